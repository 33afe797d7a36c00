// Policy: Storage accounts refuse TLS below 1.2 (PSRule Azure.Storage.MinTLS).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const storageAccountConfigureMinTlsVersion: ResourceValidationPolicy & Grouped = {
  name: "storage-account-configure-min-tls-version",
  group: "storage",
  description: "Storage accounts require TLS 1.2 or later.",
  severity: "high",
  remediationSteps: 'Set `minimumTlsVersion: "TLS1_2"` on the StorageAccount.',
  validateResource: forTypes([T.storageAccount], (props, _args, reportViolation) => {
    const v = props.minimumTlsVersion;
    if (v !== "TLS1_2" && v !== "TLS1_3") {
      reportViolation(`minimumTlsVersion is '${v ?? "unset"}'; it must be TLS1_2 or TLS1_3.`);
    }
  }),
};
