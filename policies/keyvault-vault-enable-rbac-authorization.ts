// Policy: Key Vaults authorize data-plane access with Azure RBAC, not access policies (PSRule Azure.KeyVault.RBAC,
// which also makes Azure.KeyVault.AccessPolicy moot).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const keyvaultVaultEnableRbacAuthorization: ResourceValidationPolicy & Grouped = {
  name: "keyvault-vault-enable-rbac-authorization",
  group: "keyvault",
  description: "Key Vaults use Azure RBAC for data-plane authorization and carry no access policies.",
  severity: "high",
  remediationSteps:
    "Set `properties.enableRbacAuthorization: true`, remove `accessPolicies`, and grant 'Key Vault Secrets User' role assignments.",
  validateResource: forTypes([T.vault], (props, _args, reportViolation) => {
    const p = props.properties ?? {};
    if (p.enableRbacAuthorization !== true) {
      reportViolation("properties.enableRbacAuthorization must be true.");
    }
    if (Array.isArray(p.accessPolicies) && p.accessPolicies.length > 0) {
      reportViolation(`properties.accessPolicies must be empty when RBAC is used (found ${p.accessPolicies.length}).`);
    }
  }),
};
