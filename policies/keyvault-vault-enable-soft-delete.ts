// Policy: Key Vaults keep soft delete on with a retention of at least the configured days (PSRule
// Azure.KeyVault.SoftDelete; the retention floor is this project's addition).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const keyvaultVaultEnableSoftDelete: ResourceValidationPolicy & Grouped = {
  name: "keyvault-vault-enable-soft-delete",
  group: "keyvault",
  description: "Key Vaults have soft delete enabled with a retention of at least the configured number of days.",
  severity: "high",
  remediationSteps:
    "Leave `properties.enableSoftDelete` unset or true and set `properties.softDeleteRetentionInDays` (7-90) to at least the minimum.",
  configSchema: {
    properties: {
      minRetentionDays: {
        type: "integer",
        minimum: 7,
        maximum: 90,
        default: 90,
        description: "Smallest accepted `softDeleteRetentionInDays` (Azure's default when unset is 90).",
      },
    },
  },
  validateResource: forTypes([T.vault], (props, args, reportViolation) => {
    const { minRetentionDays = 90 } = args.getConfig<{ minRetentionDays?: number }>();
    const p = props.properties ?? {};
    if (p.enableSoftDelete === false) {
      reportViolation("properties.enableSoftDelete must not be false.");
      return;
    }
    // Azure applies 90 days when the property is unset (Microsoft.KeyVault vaults API).
    const retention = p.softDeleteRetentionInDays ?? 90;
    if (typeof retention !== "number" || retention < minRetentionDays) {
      reportViolation(`properties.softDeleteRetentionInDays is ${retention}; at least ${minRetentionDays} days are required.`);
    }
  }),
};
