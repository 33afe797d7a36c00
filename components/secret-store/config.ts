// The `keyVault` config section of SecretStore; every default is the secure one.
import { z } from "zod";
import { SECRET_NAME } from "../../services/token-api/src/settings";

/** The `keyVault` config section. */
export const keyVaultConfigSchema = z
  .object({
    /** `standard` or `premium` (HSM-backed keys). */
    sku: z.enum(["standard", "premium"]).default("standard"),
    /** Purge protection; cannot be turned off once on. */
    enablePurgeProtection: z.boolean().default(true),
    /** Days a deleted vault or secret stays recoverable; create-only (later changes are ignored, not applied). */
    softDeleteRetentionInDays: z.number().int().min(7).max(90).default(90),
    /** Public network access of the vault. */
    publicNetworkAccess: z.enum(["Enabled", "Disabled"]).default("Disabled"),
    /** IPv4 addresses/CIDRs allowed when public access is on; a bare address is sent as its /32 range (what the vault stores). */
    allowedIpRanges: z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/, "an IPv4 address or CIDR range")).default([]),
    /** Name of the ACS connection-string secret. */
    secretName: z
      .string()
      .regex(/^[0-9A-Za-z-]{1,127}$/, "1-127 letters, digits and hyphens")
      .default(SECRET_NAME),
    /** Which ACS access key the stored connection string holds. */
    activeKey: z.enum(["primary", "secondary"]).default("primary"),
    /** A `CanNotDelete` lock on the vault. */
    deleteLock: z.boolean().default(true),
  })
  .strict()
  .prefault({});

/** A validated `keyVault` section. */
export type KeyVaultSection = z.output<typeof keyVaultConfigSchema>;
