// Policy: Key Vaults have purge protection on, so a deleted vault or secret cannot be purged before its
// retention ends (PSRule Azure.KeyVault.PurgeProtect, AZR-000125). Mandatory everywhere; dev's disposable vault is a
// reviewed exception (policies/exceptions.ts), reported as such by the plan.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const keyvaultVaultEnablePurgeProtection: ResourceValidationPolicy & Grouped = {
  name: "keyvault-vault-enable-purge-protection",
  group: "keyvault",
  description: "Key Vaults have purge protection enabled.",
  severity: "high",
  remediationSteps: "Set `properties.enablePurgeProtection: true` (it cannot be turned off again once on).",
  validateResource: forTypes([T.vault], (props, _args, reportViolation) => {
    if (props.properties?.enablePurgeProtection !== true) {
      reportViolation("properties.enablePurgeProtection must be true.");
    }
  }),
};
