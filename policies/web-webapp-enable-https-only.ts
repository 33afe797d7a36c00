// Policy: Web Apps redirect HTTP to HTTPS (PSRule Azure.AppService.UseHTTPS).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const webWebappEnableHttpsOnly: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-enable-https-only",
  group: "web",
  description: "Web Apps accept HTTPS only.",
  severity: "high",
  remediationSteps: "Set `httpsOnly: true` on the WebApp.",
  validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
    if (props.httpsOnly !== true) {
      reportViolation("httpsOnly must be true.");
    }
  }),
};
