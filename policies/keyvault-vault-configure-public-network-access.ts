// Policy: a Key Vault's public network exposure matches the environment's decision: either public access is
// disabled / denied by default, or the config explicitly allows it (PSRule Azure.KeyVault.Firewall).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const keyvaultVaultConfigurePublicNetworkAccess: ResourceValidationPolicy & Grouped = {
  name: "keyvault-vault-configure-public-network-access",
  group: "keyvault",
  description: "Key Vaults accept public network traffic only when the environment's config allows it.",
  severity: "medium",
  remediationSteps:
    'Set `properties.publicNetworkAccess: "Disabled"` or `properties.networkAcls.defaultAction: "Deny"` with a private ' +
    "endpoint, or set `allowPublicNetworkAccess: true` in the policy config for environments that accept it.",
  configSchema: {
    properties: {
      allowPublicNetworkAccess: {
        type: "boolean",
        default: false,
        description: "Whether a vault may accept traffic from public networks.",
      },
    },
  },
  validateResource: forTypes([T.vault], (props, args, reportViolation) => {
    const { allowPublicNetworkAccess = false } = args.getConfig<{ allowPublicNetworkAccess?: boolean }>();
    if (allowPublicNetworkAccess) return;
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
