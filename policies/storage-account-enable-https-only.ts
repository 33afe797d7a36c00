// Policy: Storage accounts accept encrypted connections only (PSRule Azure.Storage.SecureTransfer).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const storageAccountEnableHttpsOnly: ResourceValidationPolicy & Grouped = {
  name: "storage-account-enable-https-only",
  group: "storage",
  description: "Storage accounts accept HTTPS traffic only.",
  severity: "high",
  remediationSteps: "Set `enableHttpsTrafficOnly: true` on the StorageAccount.",
  validateResource: forTypes([T.storageAccount], (props, _args, reportViolation) => {
    // Unset means true for API versions >= 2019-04-01 (azure-native 3.x uses 2024+), as PSRule also accepts.
    if (props.enableHttpsTrafficOnly === false) {
      reportViolation("enableHttpsTrafficOnly must not be false.");
    }
  }),
};
