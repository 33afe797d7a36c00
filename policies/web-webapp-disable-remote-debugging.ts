// Policy: Web Apps do not enable remote debugging (PSRule Azure.AppService.RemoteDebug).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const webWebappDisableRemoteDebugging: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-disable-remote-debugging",
  group: "web",
  description: "Web Apps have remote debugging disabled.",
  severity: "medium",
  remediationSteps: "Remove `siteConfig.remoteDebuggingEnabled` or set it to false.",
  validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
    if (props.siteConfig?.remoteDebuggingEnabled === true) {
      reportViolation("siteConfig.remoteDebuggingEnabled must be false.");
    }
  }),
};
