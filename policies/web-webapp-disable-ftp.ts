// Policy: Web Apps have FTP and FTPS deployment disabled (PSRule Azure.AppService.WebSecureFtp, stricter:
// FtpsOnly passes PSRule but not this policy unless the config allows it).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const webWebappDisableFtp: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-disable-ftp",
  group: "web",
  description: "Web Apps have FTP and FTPS disabled.",
  severity: "medium",
  remediationSteps: 'Set `siteConfig.ftpsState: "Disabled"`; deploy with run-from-package instead.',
  configSchema: {
    properties: {
      allowedFtpsStates: {
        type: "array",
        items: { type: "string", enum: ["Disabled", "FtpsOnly", "AllAllowed"] },
        default: ["Disabled"],
        description: "Accepted values of `siteConfig.ftpsState`.",
      },
    },
  },
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    const { allowedFtpsStates = ["Disabled"] } = args.getConfig<{ allowedFtpsStates?: string[] }>();
    const state = props.siteConfig?.ftpsState;
    if (!allowedFtpsStates.includes(state)) {
      reportViolation(`siteConfig.ftpsState is '${state ?? "unset"}'; allowed: ${allowedFtpsStates.join(", ")}.`);
    }
  }),
};
