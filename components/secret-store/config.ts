// The `keyVault` config section of SecretStore; every default is the secure one.
import { z } from "zod";
import { SECRET_NAME } from "../../services/token-api/src/settings";

/** The `keyVault` config section. */
export const keyVaultConfigSchema = z
  .object({
    /** `standard` or `premium` (HSM-backed keys). */
    sku: z.enum(["standard", "premium"]).default("standard").meta({ description: "vault SKU (premium: HSM-backed keys)" }),
    /** Purge protection; cannot be turned off once on. */
    enablePurgeProtection: z
      .boolean()
      .default(true)
      .meta({
        description:
          "purge protection (irreversible once on; off in dev so a destroyed dev vault can be purged and its name reused, Deploy to Azure)",
      }),
    /** Days a deleted vault or secret stays recoverable; create-only (later changes are ignored, not applied). */
    softDeleteRetentionInDays: z
      .number()
      .int()
      .min(7)
      .max(90)
      .default(90)
      .meta({
        description:
          "how long a deleted vault/secret stays recoverable; set only at vault creation, later changes are ignored (`ignoreChanges`)",
        accepts: "integer 7-90; create-only",
      }),
    /** Public network access of the vault. */
    publicNetworkAccess: z.enum(["Enabled", "Disabled"]).default("Disabled").meta({ description: "public endpoint of the vault" }),
    /** IPv4 addresses/CIDRs allowed when public access is on. */
    allowedIpRanges: z
      .array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/, "an IPv4 address or CIDR range"))
      .default([])
      .meta({
        description: "with public access on: firewall allow-list (empty = any address); Azure services bypass",
        accepts: "list of IPv4/CIDR",
      }),
    /** Name of the ACS connection-string secret. */
    secretName: z
      .string()
      .regex(/^[0-9A-Za-z-]{1,127}$/, "1-127 letters, digits and hyphens")
      .default(SECRET_NAME)
      .meta({ description: "name of the connection-string secret (docs/interfaces.md)", accepts: "1-127 `0-9A-Za-z-`" }),
    /** Which ACS access key the stored connection string holds. */
    activeKey: z
      .enum(["primary", "secondary"])
      .default("primary")
      .meta({ description: "which ACS key the first secret version holds (later rotations are ignored)" }),
    /** A `CanNotDelete` lock on the vault. */
    deleteLock: z.boolean().default(true).meta({ description: "`CanNotDelete` management lock on the vault and Pulumi `protect`" }),
  })
  .strict()
  .prefault({});

/** A validated `keyVault` section. */
export type KeyVaultSection = z.output<typeof keyVaultConfigSchema>;
