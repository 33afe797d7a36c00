// Policy: Web Apps do not enable remote debugging (PSRule Azure.AppService.RemoteDebug).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, T } from "./lib";

export const webWebappDisableRemoteDebugging: ResourceValidationPolicy = {
  name: "web-webapp-disable-remote-debugging",
  description: "Web Apps have remote debugging disabled.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Remove `siteConfig.remoteDebuggingEnabled` or set it to false.",
  validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
    if (props.siteConfig?.remoteDebuggingEnabled === true) {
      reportViolation("siteConfig.remoteDebuggingEnabled must be false.");
    }
  }),
};
