// Policy: Web App settings hold no plain-text secrets; connection strings, access keys and passwords must be
// Key Vault references (`@Microsoft.KeyVault(...)`). Related to PSRule Azure.Deployment.SecureValue.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appSettingsOf, forTypes, type Grouped, isKeyVaultReference, T } from "./lib";

/** Setting names that hold a secret whatever their value looks like. */
const SECRET_NAME = /(CONNECTION_?STRING|PASSWORD|ACCESS_?KEY|ACCOUNT_?KEY|API_?KEY|CLIENT_?SECRET|PRIMARY_?KEY|SECONDARY_?KEY|_SECRET)$/i;
/** Values that embed a credential (ACS and Storage connection strings, SAS signatures, passwords). */
const SECRET_VALUE = /(accesskey=|accountkey=|sharedaccesskey=|password=|pwd=|[?&](sig|code)=)/i;

/** Why a setting counts as a secret, or undefined when it does not. */
export function secretReason(name: string, value: unknown): string | undefined {
  if (isKeyVaultReference(value)) return undefined;
  if (typeof value === "string" && SECRET_VALUE.test(value)) return "its value embeds a credential";
  if (SECRET_NAME.test(name) && value !== undefined && value !== "") return "its name marks it as a secret";
  return undefined;
}

export const webWebappDisallowPlainSecrets: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-disallow-plain-secrets",
  group: "web",
  description: "Web App settings and connection strings hold no plain-text secrets; secrets are Key Vault references.",
  severity: "critical",
  remediationSteps:
    "Store the secret in Key Vault and set the app setting to `@Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>)`, " +
    "or let the app read the vault with its managed identity (ACS_AUTH_MODE=key-vault).",
  configSchema: {
    properties: {
      exemptSettings: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Setting names that may hold a plain value (documented exceptions only).",
      },
    },
  },
  validateResource: forTypes([T.webApp, T.webAppSettings], (props, args, reportViolation) => {
    const { exemptSettings = [] } = args.getConfig<{ exemptSettings?: string[] }>();
    for (const [name, value] of appSettingsOf(args.type, props)) {
      if (exemptSettings.includes(name)) continue;
      const reason = secretReason(name, value);
      if (reason) reportViolation(`App setting '${name}' holds a plain-text secret (${reason}); use a Key Vault reference.`);
    }
    const connectionStrings = args.type === T.webApp ? props.siteConfig?.connectionStrings : undefined;
    if (Array.isArray(connectionStrings)) {
      for (const cs of connectionStrings) {
        if (cs && !isKeyVaultReference(cs.connectionString) && cs.connectionString !== undefined) {
          reportViolation(`Connection string '${cs.name}' is plain text; use a Key Vault reference.`);
        }
      }
    }
  }),
};
