// Policy: Web Apps refuse TLS below 1.2, on the site and on its SCM (Kudu) endpoint (PSRule Azure.AppService.MinTLS).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

const ACCEPTED = ["1.2", "1.3"];

export const webWebappConfigureMinTlsVersion: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-configure-min-tls-version",
  group: "web",
  description: "Web Apps require TLS 1.2 or later on the site and its SCM endpoint.",
  severity: "high",
  remediationSteps: 'Set `siteConfig.minTlsVersion: "1.2"` (and `siteConfig.scmMinTlsVersion`, if set, to 1.2 or 1.3).',
  validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
    const siteConfig = props.siteConfig ?? {};
    const min = siteConfig.minTlsVersion;
    if (!ACCEPTED.includes(min)) {
      reportViolation(`siteConfig.minTlsVersion is '${min ?? "unset"}'; it must be 1.2 or 1.3.`);
    }
    const scm = siteConfig.scmMinTlsVersion;
    if (scm !== undefined && !ACCEPTED.includes(scm)) {
      reportViolation(`siteConfig.scmMinTlsVersion is '${scm}'; it must be 1.2 or 1.3.`);
    }
  }),
};
