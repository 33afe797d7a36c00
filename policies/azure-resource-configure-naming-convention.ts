// Policy (advisory): resource names start with the project's CAF prefix for their type (PSRule's opt-in
// Azure.*.Naming rules, e.g. Azure.Storage.Naming, Azure.Log.Naming). Azure's own limits are the mandatory
// azure-resource-enforce-name-limits.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { azureType, nameInput } from "./azure-types";
import { type Grouped, T } from "./lib";

export const azureResourceConfigureNamingConvention: ResourceValidationPolicy & Grouped = {
  name: "azure-resource-configure-naming-convention",
  group: "resources",
  description: "Azure resource names start with the type's prefix (CAF abbreviation).",
  severity: "low",
  enforcementLevel: "advisory",
  remediationSteps: "Derive the name with the shared naming helper (components/common), which applies the prefix and the limits.",
  configSchema: {
    properties: {
      prefixes: {
        type: "object",
        additionalProperties: { type: "string" },
        default: {
          [T.vault]: "kv-",
          [T.storageAccount]: "st",
          [T.workspace]: "log-",
          [T.webApp]: "app-",
          [T.communicationService]: "acs-",
          [T.emailService]: "ecs-",
        },
        description: "Required name prefix per Pulumi type token (CAF abbreviations).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const { prefixes = {} } = args.getConfig<{ prefixes?: Record<string, string> }>();
    const prefix = prefixes[args.type];
    const t = azureType(args.type);
    const input = t && nameInput(t);
    if (!prefix || !input) {
      return args.notApplicable("No name prefix for this resource type");
    }
    const declared: unknown = args.props[input];
    // Without a declared name, azure-native derives it from the logical name (autonaming).
    const name = typeof declared === "string" && declared !== "" ? declared : args.name;
    if (!name.startsWith(prefix)) {
      reportViolation(`Name '${name}' does not start with '${prefix}'.`);
    }
  },
};
