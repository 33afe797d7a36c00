// Policy: a Key Vault does not accept public network traffic by default: public access is disabled or its firewall
// denies by default (PSRule Azure.KeyVault.Firewall, AZR-000355). An environment that needs an open vault (dev, which
// has no private network) records a reviewed exception (policies/exceptions.ts) instead of relaxing the policy.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const keyvaultVaultConfigurePublicNetworkAccess: ResourceValidationPolicy & Grouped = {
  name: "keyvault-vault-configure-public-network-access",
  group: "keyvault",
  description: "Key Vaults disable public network access or deny it by default (networkAcls.defaultAction Deny).",
  severity: "medium",
  remediationSteps:
    'Set `properties.publicNetworkAccess: "Disabled"` or `properties.networkAcls.defaultAction: "Deny"` with a private ' +
    "endpoint; an environment that must keep the vault open records a reviewed exception in policies/exceptions.ts.",
  validateResource: forTypes([T.vault], (props, _args, reportViolation) => {
    const p = props.properties ?? {};
    const disabled = typeof p.publicNetworkAccess === "string" && p.publicNetworkAccess.toLowerCase() === "disabled";
    const denied = p.networkAcls?.defaultAction === "Deny";
    if (!disabled && !denied) {
      reportViolation(
        `Public network access is open (publicNetworkAccess '${p.publicNetworkAccess ?? "unset"}', ` +
          `networkAcls.defaultAction '${p.networkAcls?.defaultAction ?? "unset"}'); set publicNetworkAccess to 'Disabled' or defaultAction to 'Deny'.`,
      );
    }
  }),
};
