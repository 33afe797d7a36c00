// Policy: Web Apps redirect HTTP to HTTPS (PSRule Azure.AppService.UseHTTPS).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, T } from "./lib";

export const webWebappEnableHttpsOnly: ResourceValidationPolicy = {
  name: "web-webapp-enable-https-only",
  description: "Web Apps accept HTTPS only.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Set `httpsOnly: true` on the WebApp.",
  validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
    if (props.httpsOnly !== true) {
      reportViolation("httpsOnly must be true.");
    }
  }),
};
