// Policy (advisory): resource names meet Azure's limits and the project's prefix convention (PSRule
// Azure.KeyVault.Name, Azure.Storage.Name, Azure.Log.Name, Azure.Storage.Naming, Azure.Log.Naming).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { type Grouped, T } from "./lib";

interface NameRule {
  /** Input property that carries the Azure name; Pulumi autonames from the logical name when it is absent. */
  property: string;
  /** Azure's own limit, from the resource-name-rules page. */
  limit: RegExp;
  limitText: string;
}

/** Azure name limits per type (resource-name-rules; the Key Vault rule also forbids consecutive hyphens). */
export const NAME_RULES: Readonly<Record<string, NameRule>> = {
  [T.vault]: {
    property: "vaultName",
    limit: /^(?=.{3,24}$)[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]$/,
    limitText: "3-24 letters, digits and single hyphens, starting with a letter and ending alphanumeric",
  },
  [T.storageAccount]: { property: "accountName", limit: /^[a-z0-9]{3,24}$/, limitText: "3-24 lower-case letters and digits" },
  [T.workspace]: {
    property: "workspaceName",
    limit: /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/,
    limitText: "4-63 letters, digits and hyphens",
  },
  [T.webApp]: { property: "name", limit: /^[A-Za-z0-9][A-Za-z0-9-]{0,58}[A-Za-z0-9]$/, limitText: "2-60 letters, digits and hyphens" },
  [T.communicationService]: {
    property: "communicationServiceName",
    limit: /^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]?$/,
    limitText: "1-63 letters, digits and hyphens",
  },
  [T.emailService]: {
    property: "emailServiceName",
    limit: /^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]?$/,
    limitText: "1-63 letters, digits and hyphens",
  },
};

export const azureResourceConfigureNamingConvention: ResourceValidationPolicy & Grouped = {
  name: "azure-resource-configure-naming-convention",
  group: "resources",
  description: "Azure resource names meet Azure's length and character limits and start with the type's prefix.",
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
    const rule = NAME_RULES[args.type];
    if (!rule) {
      return args.notApplicable("No naming rule for this resource type");
    }
    const declared = args.props[rule.property];
    const name = typeof declared === "string" && declared !== "" ? declared : args.name;
    if (!rule.limit.test(name)) {
      reportViolation(`Name '${name}' breaks Azure's limit for this type: ${rule.limitText}.`);
    }
    const { prefixes = {} } = args.getConfig<{ prefixes?: Record<string, string> }>();
    const prefix = prefixes[args.type];
    if (prefix && !name.startsWith(prefix)) {
      reportViolation(`Name '${name}' does not start with '${prefix}'.`);
    }
  },
};
