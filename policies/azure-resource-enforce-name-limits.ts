// Policy: Azure resource names meet the limits Azure Resource Manager enforces for their type: length and characters
// (https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules). The limits of the
// PSRule for Azure ARM name rules are copied from each rule's source (the file beside each entry, under
// https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/); PSRule matches case-insensitively
// unless the rule says otherwise (Storage.Name). The CAF prefixes are a separate, advisory policy
// (azure-resource-configure-naming-convention).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { azureType, nameInput } from "./azure-types";
import { type Grouped, T } from "./lib";

export interface NameLimit {
  /** The PSRule for Azure rule that states it, or the Learn page where PSRule has none. */
  rule: string;
  min: number;
  max: number;
  pattern: RegExp;
  /** The limit in words, for the message. */
  text: string;
}

/** The limits per azure-native type; the name is read from the catalog's name input (policies/azure-types.ts). */
export const NAME_LIMITS: Readonly<Record<string, NameLimit>> = {
  // Azure.Group.Rule.yaml
  [T.resourceGroup]: {
    rule: "Azure.Group.Name",
    min: 1,
    max: 90,
    pattern: /^[-\w._()]*[-\w_()]$/i,
    text: "1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
  },
  // Azure.Identity.Rule.yaml
  [T.userAssignedIdentity]: {
    rule: "Azure.Identity.UserAssignedName",
    min: 3,
    max: 128,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,127}$/i,
    text: "3-128 letters, digits, hyphens and underscores, starting with a letter or digit",
  },
  // Azure.NSG.Rule.yaml
  [T.networkSecurityGroup]: {
    rule: "Azure.NSG.Name",
    min: 1,
    max: 80,
    pattern: /^[a-z0-9]([a-z0-9_.-]{0,78}[a-z0-9_])?$/i,
    text: "1-80 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore",
  },
  // Azure.PublicIP.Rule.ps1
  [T.publicIpAddress]: {
    rule: "Azure.PublicIP.Name",
    min: 1,
    max: 80,
    pattern: /^[A-Za-z0-9]((-|\.)*\w){0,79}$/i,
    text: "1-80 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore",
  },
  // Azure.VNET.Rule.yaml
  [T.virtualNetwork]: {
    rule: "Azure.VNET.Name",
    min: 2,
    max: 64,
    pattern: /^[a-z0-9][a-z0-9_.-]{0,62}[a-z0-9_]$/i,
    text: "2-64 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore",
  },
  // Azure.VNET.Rule.ps1
  [T.subnet]: {
    rule: "Azure.VNET.SubnetName",
    min: 1,
    max: 80,
    pattern: /^[A-Za-z0-9]((-|\.)*\w){0,79}$/i,
    text: "1-80 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore",
  },
  // Azure.PrivateEndpoint.Rule.yaml
  [T.privateEndpoint]: {
    rule: "Azure.PrivateEndpoint.Name",
    min: 2,
    max: 64,
    pattern: /^[a-z0-9][a-z0-9_.-]{0,62}[a-z0-9_]$/i,
    text: "2-64 letters, digits, underscores, periods and hyphens, starting alphanumeric, ending alphanumeric or underscore",
  },
  // Azure.AppInsights.Rule.yaml
  [T.appInsights]: {
    rule: "Azure.AppInsights.Name",
    min: 1,
    max: 255,
    pattern: /^[a-z0-9.\-_()]{0,254}[a-z0-9\-_()]$/i,
    text: "1-255 letters, digits, periods, underscores, hyphens and parentheses, not ending with a period",
  },
  // Azure.KeyVault.Rule.ps1 (its regex, which allows consecutive hyphens; Learn forbids them, so does the naming helper)
  [T.vault]: {
    rule: "Azure.KeyVault.Name",
    min: 3,
    max: 24,
    pattern: /^[A-Za-z](-|[A-Za-z0-9])*[A-Za-z0-9]$/,
    text: "3-24 letters, digits and hyphens, starting with a letter and ending alphanumeric",
  },
  // Azure.KeyVault.Rule.ps1
  [T.vaultSecret]: {
    rule: "Azure.KeyVault.SecretName",
    min: 1,
    max: 127,
    pattern: /^[A-Za-z0-9-]{1,127}$/,
    text: "1-127 letters, digits and hyphens",
  },
  // Azure.Storage.Rule.ps1 (case-sensitive)
  [T.storageAccount]: {
    rule: "Azure.Storage.Name",
    min: 3,
    max: 24,
    pattern: /^[a-z0-9]{3,24}$/,
    text: "3-24 lower-case letters and digits",
  },
  // Azure.Log.Rule.yaml
  [T.workspace]: {
    rule: "Azure.Log.Name",
    min: 4,
    max: 63,
    pattern: /^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/i,
    text: "4-63 letters, digits and hyphens, starting and ending alphanumeric",
  },
  // No PSRule rule; resource-name-rules (Microsoft.Web sites; Microsoft.Communication).
  [T.webApp]: {
    rule: "resource-name-rules",
    min: 2,
    max: 60,
    pattern: /^[A-Za-z0-9][A-Za-z0-9-]{0,58}[A-Za-z0-9]$/,
    text: "2-60 letters, digits and hyphens",
  },
  [T.communicationService]: {
    rule: "resource-name-rules",
    min: 1,
    max: 63,
    pattern: /^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]?$/,
    text: "1-63 letters, digits and hyphens",
  },
  [T.emailService]: {
    rule: "resource-name-rules",
    min: 1,
    max: 63,
    pattern: /^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]?$/,
    text: "1-63 letters, digits and hyphens",
  },
};

export const azureResourceEnforceNameLimits: ResourceValidationPolicy & Grouped = {
  name: "azure-resource-enforce-name-limits",
  group: "resources",
  description: "Azure resource names meet Azure Resource Manager's length and character limits for their type.",
  severity: "medium",
  remediationSteps:
    "Derive the name with the shared naming helper (components/common/naming.ts), which shortens and cleans names to each type's limits.",
  validateResource: (args, reportViolation) => {
    const limit = NAME_LIMITS[args.type];
    const input = azureType(args.type) && nameInput(azureType(args.type)!);
    if (!limit || !input) {
      return args.notApplicable("No name limit for this resource type");
    }
    const name: unknown = args.props[input];
    if (typeof name !== "string" || name === "") {
      // azure-native then derives the name from the logical name (autonaming), within the type's limits.
      return args.notApplicable(`No ${input} declared: the provider derives the name`);
    }
    if (name.length < limit.min || name.length > limit.max || !limit.pattern.test(name)) {
      reportViolation(`${input} '${name}' breaks Azure's name limit (${limit.rule}): ${limit.text}.`);
    }
  },
};
