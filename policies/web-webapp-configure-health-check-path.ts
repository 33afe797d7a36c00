// Policy: Web Apps declare a dedicated health check path so App Service can take unhealthy instances out of
// rotation (PSRule Azure.AppService.WebProbe and Azure.AppService.WebProbePath).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const webWebappConfigureHealthCheckPath: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-configure-health-check-path",
  group: "web",
  description: "Web Apps configure a dedicated health check path (not just '/').",
  severity: "medium",
  remediationSteps: "Set `siteConfig.healthCheckPath` to the app's readiness endpoint, e.g. `/readyz`.",
  validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
    const path = props.siteConfig?.healthCheckPath;
    if (typeof path !== "string" || path.length <= 1 || !path.startsWith("/")) {
      reportViolation(`siteConfig.healthCheckPath is '${path ?? "unset"}'; set a dedicated path such as /readyz.`);
    }
  }),
};
