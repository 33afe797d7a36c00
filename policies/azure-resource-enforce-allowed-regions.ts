// Policy: regional resources deploy only to allowed Azure regions; `global` resources (ACS, Email, action groups,
// metric alerts, system topics) are left to the data-location policy (PSRule Azure.Resource.AllowedRegions).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { Grouped } from "./lib";

export const azureResourceEnforceAllowedRegions: ResourceValidationPolicy & Grouped = {
  name: "azure-resource-enforce-allowed-regions",
  group: "resources",
  description: "Regional Azure resources are deployed only to an allowed region.",
  severity: "high",
  remediationSteps: "Set the stack's `location` config to one of the allowed regions.",
  configSchema: {
    properties: {
      allowedRegions: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: ["westeurope", "northeurope", "swedencentral", "germanywestcentral", "francecentral"],
        description: "Azure region names (lower case, no spaces) where regional resources may be deployed.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!args.type.startsWith("azure-native:")) {
      return args.notApplicable("Policy only applies to Azure resources");
    }
    const location = args.props.location;
    if (typeof location !== "string" || location === "") {
      return args.notApplicable("Resource declares no location");
    }
    const normalized = location.toLowerCase().replace(/\s+/g, "");
    if (normalized === "global") {
      return args.notApplicable("Global resources have no region; see communication-service-enforce-data-location");
    }
    const { allowedRegions = [] } = args.getConfig<{ allowedRegions?: string[] }>();
    if (!allowedRegions.map((r) => r.toLowerCase()).includes(normalized)) {
      reportViolation(`Location '${location}' is not an allowed region (allowed: ${allowedRegions.join(", ")}).`);
    }
  },
};
