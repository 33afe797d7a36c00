// Policy: Communication Services and Email Services keep their data in an allowed data location; their
// `location` is always `global`, so the real residency is `dataLocation` (no PSRule rule checks it).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const communicationServiceEnforceDataLocation: ResourceValidationPolicy & Grouped = {
  name: "communication-service-enforce-data-location",
  group: "communication",
  description: "Communication Services and Email Services store data only in an allowed data location.",
  severity: "high",
  remediationSteps:
    "Set the stack's `dataLocation` config to an allowed value. `dataLocation` is create-only: changing it " +
    "replaces the resource and its phone numbers, identities and sender domains.",
  configSchema: {
    properties: {
      allowedDataLocations: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: ["Europe"],
        description: "ACS data locations (e.g. Europe, United States, UK) that are allowed.",
      },
    },
  },
  validateResource: forTypes([T.communicationService, T.emailService], (props, args, reportViolation) => {
    const { allowedDataLocations = [] } = args.getConfig<{ allowedDataLocations?: string[] }>();
    const dataLocation = props.dataLocation;
    if (typeof dataLocation !== "string" || dataLocation === "") {
      reportViolation("dataLocation is not set.");
      return;
    }
    if (!allowedDataLocations.some((l) => l.toLowerCase() === dataLocation.toLowerCase())) {
      reportViolation(`Data location '${dataLocation}' is not allowed (allowed: ${allowedDataLocations.join(", ")}).`);
    }
    if (typeof props.location === "string" && props.location.toLowerCase() !== "global") {
      reportViolation(`location must be 'global' for this resource type, not '${props.location}'.`);
    }
  }),
};
