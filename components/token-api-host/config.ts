// Pure pieces of the hosted token API: its config schema, the App Service SKU rules, the app settings the API
// reads (names fixed in docs/interfaces.md), and the decision how the deployment package is supplied.
//
// SKU facts: Microsoft Learn "Reliability in Azure App Service" — zone redundancy needs one of the families of
// ZONE_REDUNDANT_PLAN_FAMILIES (policies/deployability-facts.ts) and at least 2 instances; "Configure an App Service
// app" — always-on is unavailable on Free/Shared.
// Run-from-package: Microsoft Learn "Run your app in Azure App Service directly from a ZIP package" (checked
// 2026-11-23) — a private `WEBSITE_RUN_FROM_PACKAGE` blob URL is fetched with the app's system-assigned identity by
// default; `WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID` takes a user-assigned identity's resource id, which is
// what the app uses, so the identity holds Storage Blob Data Reader on the package before the site first starts.
import { DEFAULT_MANAGE_ROLE, TYPE_PATTERN } from "../../services/token-api/src/conversations/limits";
import { PACKAGE_ZIP_PATH } from "../../services/token-api/scripts/package-path";
import { z } from "zod";
import * as pulumi from "@pulumi/pulumi";
import type { ConfigProblem } from "../common/types";
import { appServiceSkuFamily, supportsZoneRedundancy, ZONE_REDUNDANT_PLAN_HELP } from "../../policies/deployability-facts";
// The service owns its decisions (scopes, lifetimes, limits, variable names); the program takes them from it.
import {
  ACS_TOKEN_SCOPES,
  TOKEN_API_DEFAULTS as D,
  TOKEN_LIFETIME_MINUTES as L,
  type ApplicationInsightsAuthMode,
  type TokenApiEnvName,
} from "../../services/token-api/src/settings";

const lifetimeRange = `${L.min}..${L.max}`;

/** The host of Entra ID's sign-in endpoint, whose v2.0 access tokens the API accepts. */
export const ENTRA_LOGIN_HOST = "login.microsoftonline.com";

/**
 * What an Entra ID issuer asks of `tokenApi.oidc`. A v2.0 access token's `iss` "ends in `/v2.0`" and "the GUID portion
 * of the claim" is the tenant, and its `aud` "is always the client ID of the API" (Learn "Access token claims
 * reference", https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference): an issuer naming the
 * tenant by domain (`contoso.onmicrosoft.com`) or an `api://` audience never matches a token, and every call gets 401.
 */
export function entraOidcProblems(oidc: { issuer: string; audience: string }): ConfigProblem[] {
  if (!URL.canParse(oidc.issuer) || new URL(oidc.issuer).hostname !== ENTRA_LOGIN_HOST) return [];
  const segments = new URL(oidc.issuer).pathname.split("/");
  const problems: ConfigProblem[] = [];
  if (segments.length !== 3 || !z.regexes.guid.test(segments[1]!) || segments[2] !== "v2.0") {
    problems.push({
      path: ["issuer"],
      message: `must be https://${ENTRA_LOGIN_HOST}/<tenant id>/v2.0 with the tenant id a GUID (Entra admin center, Overview, Tenant ID), the \`iss\` of v2.0 access tokens; got ${JSON.stringify(oidc.issuer)}`,
    });
  }
  if (typeof oidc.audience === "string" && !z.regexes.guid.test(oidc.audience)) {
    problems.push({
      path: ["audience"],
      message: `must be the token API registration's Application (client) ID, a GUID, when the issuer is Entra ID: the \`aud\` of v2.0 access tokens is always the API's client id; got ${JSON.stringify(oidc.audience)}`,
    });
  }
  return problems;
}

/** Where `npm run build` in services/token-api puts the package (relative to the repository root). */
export const DEFAULT_PACKAGE_PATH = PACKAGE_ZIP_PATH;

// The SKU families, and which of them may be zone-redundant, are owned by policies/deployability-facts.ts: the
// pack's zone-redundancy rule reads the same list.
export { appServiceSkuFamily, supportsZoneRedundancy };

const SKU_HELP = "B1-B3, S1-S3, P1v2-P3v2, P0v3-P5v3 (and mv3), P0v4-P5v4, I1v2-I6v2";

/** A CORS origin: scheme and host (and port) only, https except for localhost. */
const corsOrigin = z.string().superRefine((o, ctx) => {
  if (o.trim() === "") {
    ctx.addIssue({ code: "custom", message: "must not be empty; give an origin such as https://app.example.com" });
  } else if (!/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(o) && !/^http:\/\/localhost(:\d{1,5})?$/.test(o)) {
    ctx.addIssue({
      code: "custom",
      message: "must be an origin (https://host[:port], or http://localhost[:port]) without path, wildcard or trailing slash",
    });
  }
});

/** The `tokenApi` config section. */
export const tokenApiConfigSchema = z
  .object({
    plan: z
      .object({
        skuName: z
          .string()
          .refine((s) => appServiceSkuFamily(s) !== undefined, `skuName must be one of ${SKU_HELP}`)
          .meta({
            description:
              "App Service plan SKU (Linux) of the token API; no `sku.tier` is sent, ARM derives it (P0v3 is Premium0V3, P*mv3 PremiumMV3)",
            accepts:
              "`B1`-`B3`, `S1`-`S3`, `P1v2`-`P3v2`, `P0v3`-`P5v3`, `P0mv3`-`P5mv3`, `P0v4`-`P5v4`, `P0mv4`-`P5mv4`, `I1v2`-`I6v2`, `I1mv2`-`I6mv2`",
            defaultText: "required (the `tokenApi` section is required)",
          }),
        instanceCount: z
          .number()
          .int()
          .min(1, "instanceCount must be at least 1")
          .max(30, "instanceCount must be at most 30")
          .meta({ description: "number of plan instances", accepts: "integer 1-30; at least 2 in `prod` and when `zoneRedundant`" }),
        /**
         * Spread instances over availability zones; needs a zone-capable SKU (ZONE_REDUNDANT_PLAN_FAMILIES) and 2+ instances. The egress is
         * not zone-redundant with it: with the private network, every outbound call goes through the Standard NAT
         * gateway, "a zonal resource" (https://learn.microsoft.com/azure/nat-gateway/nat-overview), so one zone's
         * outage cuts egress for instances in every zone. The zone-redundant StandardV2 SKU is not in azure-native's
         * network API (2024-05-01, NatGatewaySkuName: Standard only); README "Deploy to Azure" says so.
         */
        zoneRedundant: z
          .boolean()
          .default(false)
          .meta({
            description: "spreads the instances over availability zones (the private network's NAT gateway egress stays in one zone)",
            accepts: `boolean; needs a ${ZONE_REDUNDANT_PLAN_HELP} SKU; must be \`true\` in \`prod\` when the SKU supports zones`,
          }),
      })
      .strict()
      .superRefine((p, ctx) => {
        if (p.zoneRedundant && !supportsZoneRedundancy(p.skuName)) {
          ctx.addIssue({
            code: "custom",
            path: ["zoneRedundant"],
            message: `zoneRedundant needs a ${ZONE_REDUNDANT_PLAN_HELP} SKU; got ${p.skuName}`,
          });
        }
        if (p.zoneRedundant && p.instanceCount < 2) {
          ctx.addIssue({ code: "custom", path: ["instanceCount"], message: "instanceCount must be at least 2 when zoneRedundant is true" });
        }
      }),
    /** Keep the app loaded; off saves nothing on dedicated plans but dev may turn it off. */
    alwaysOn: z
      .boolean()
      .default(true)
      .meta({ description: "keeps the app loaded (no cold start)", accepts: "boolean; must be `true` in `prod`" }),
    /** Browser origins allowed to call the API. */
    corsAllowedOrigins: z.array(corsOrigin).default([]).meta({
      description:
        "browser origins allowed to call the API (the app's own CORS, `CORS_ALLOWED_ORIGINS`; App Service CORS is not set, it would override the app's)",
      accepts: "list of origins `https://host[:port]` or `http://localhost[:port]`, no path, wildcard or trailing slash",
    }),
    /** ACS auth mode of the API (docs/interfaces.md `ACS_AUTH_MODE`). */
    acsAuthMode: z.enum(["key-vault", "managed-identity"]).default("key-vault").meta({
      description:
        "how the API authenticates to ACS (`ACS_AUTH_MODE`, docs/interfaces.md); `managed-identity` is required before `communication.disableLocalAuth`",
    }),
    secretRefreshSeconds: z
      .number()
      .int()
      .min(30, "secretRefreshSeconds must be 30..86400")
      .max(86400, "secretRefreshSeconds must be 30..86400")
      .default(D.secretRefreshSeconds)
      .meta({ description: "how often the API re-reads the connection-string secret (key rotations take effect within it)" }),
    oidc: z
      .object({
        issuer: z
          .url()
          .refine((u) => u.startsWith("https://"), "issuer must be an https:// URL")
          .meta({
            description: "accepted `iss` of caller JWTs (`OIDC_ISSUER`)",
            accepts: `\`https://\` URL; Entra ID: \`https://${ENTRA_LOGIN_HOST}/<tenant id GUID>/v2.0\``,
          }),
        audience: z.string().min(1, "audience must not be empty").meta({
          description: "accepted `aud` of caller JWTs (`OIDC_AUDIENCE`)",
          accepts: "non-empty string; with an Entra ID issuer the API registration's client id (GUID)",
        }),
        requiredScope: z
          .string()
          .min(1)
          .default(D.requiredScope)
          .meta({ description: "scope (`scp`) or app role (`roles`) a caller must hold", accepts: "non-empty string" }),
        jwksUri: z.url().optional().meta({
          description: "where the API fetches the signing keys (`OIDC_JWKS_URI`)",
          accepts: "URL",
          defaultText: "unset (discovered from the issuer's `/.well-known/openid-configuration`)",
        }),
      })
      .strict()
      .superRefine((oidc, ctx) => {
        for (const problem of entraOidcProblems(oidc)) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
      }),
    token: z
      .object({
        allowedScopes: z
          .array(z.enum(ACS_TOKEN_SCOPES))
          .min(1)
          .default([...D.allowedScopes])
          .meta({
            description: "ACS token scopes callers may request",
            accepts: "list (1+) of `chat`, `voip`, `chat.join`, `chat.join.limited`, `voip.join`",
          }),
        defaultLifetimeMinutes: z
          .number()
          .int()
          .min(L.min, `defaultLifetimeMinutes must be ${lifetimeRange}`)
          .max(L.max, `defaultLifetimeMinutes must be ${lifetimeRange}`)
          .default(D.defaultLifetimeMinutes)
          .meta({
            description: "lifetime of an ACS token when the caller asks for none",
            accepts: "integer 60-1440, not above `maxLifetimeMinutes`",
          }),
        maxLifetimeMinutes: z
          .number()
          .int()
          .min(L.min, `maxLifetimeMinutes must be ${lifetimeRange}`)
          .max(L.max, `maxLifetimeMinutes must be ${lifetimeRange}`)
          .default(D.maxLifetimeMinutes)
          .meta({ description: "longest lifetime a caller may request" }),
        minRemainingMinutes: z.number().int().min(10, "minRemainingMinutes must be at least 10").default(D.minRemainingMinutes).meta({
          description: "a cached token is never returned with less time left",
          accepts: "integer, at least 10, below `defaultLifetimeMinutes`",
        }),
      })
      .strict()
      .prefault({})
      .superRefine((t, ctx) => {
        if (t.defaultLifetimeMinutes > t.maxLifetimeMinutes) {
          ctx.addIssue({
            code: "custom",
            path: ["defaultLifetimeMinutes"],
            message: "defaultLifetimeMinutes must not exceed maxLifetimeMinutes",
          });
        }
        if (t.minRemainingMinutes >= t.defaultLifetimeMinutes) {
          ctx.addIssue({
            code: "custom",
            path: ["minRemainingMinutes"],
            message: "minRemainingMinutes must be below defaultLifetimeMinutes",
          });
        }
      }),
    rateLimit: z
      .object({
        perUserPerMinute: z
          .number()
          .int()
          .min(1)
          .default(D.perUserPerMinute)
          .meta({ description: "requests per user per minute, **per instance** (with `instanceCount` 2 a user can reach 60)" }),
        perIpPerMinute: z.number().int().min(1).default(D.perIpPerMinute).meta({
          description:
            "failed authentications per client address per minute, per instance (authenticated callers count only against their own limit, so one flooding user does not starve others behind the same NAT)",
        }),
      })
      .strict()
      .prefault({}),
    /** The conversations API (docs/conversations.md): the service callers' app role and per-type join roles. */
    conversations: z
      .object({
        manageRole: z
          .string()
          .regex(/^[\x21-\x7e]{1,120}$/, "manageRole must be 1-120 visible ASCII characters")
          .default(DEFAULT_MANAGE_ROLE)
          .meta({
            description:
              "the app role (`roles` claim) a service caller's token needs for the conversations API's service routes (docs/conversations.md)",
            accepts: "1-120 visible ASCII characters",
          }),
        joinRoles: z
          .record(z.string(), z.array(z.string().regex(/^[^\s;|=]{1,120}$/, "a join role has no spaces, ';', '|' or '='")).min(1))
          .superRefine((map, ctx) => {
            for (const type of Object.keys(map)) {
              if (!TYPE_PATTERN.test(type))
                ctx.addIssue({ code: "custom", path: [type], message: `joinRoles keys are conversation types (${TYPE_PATTERN.source})` });
            }
          })
          .default({})
          .meta({
            description:
              "per conversation type, the app roles whose holders may join any conversation of that type (`POST /api/conversations/{type}/{id}/join`, e.g. support agents on `case`)",
            accepts: "map of conversation type to a list of role names",
            defaultText: "`{}` (nobody joins by role)",
            opaque: true,
          }),
      })
      .strict()
      .prefault({}),
    /** Table of app user → ACS identity. */
    mappingTableName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, "mappingTableName must be 3-63 letters and digits, starting with a letter")
      .default(D.mappingTableName)
      .meta({ description: "table mapping app users to ACS identities", accepts: "3-63 letters and digits, starting with a letter" }),
    /** The built package, relative to the repository root. */
    packagePath: z.string().min(1).default(DEFAULT_PACKAGE_PATH).meta({
      description: "the package `npm run build` writes; uploaded to the packages container and run from package",
      accepts: "non-empty path, relative to the repository root",
    }),
  })
  .strict();

/** A validated `tokenApi` section. */
export type TokenApiSection = z.infer<typeof tokenApiConfigSchema>;

/** Environment rules beyond the section's own: prod runs at least 2 instances, zone-redundant where the SKU allows. */
export function tokenApiEnvironmentProblems(cfg: TokenApiSection, environment: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (environment === "prod") {
    if (cfg.plan.instanceCount < 2) problems.push({ path: ["plan", "instanceCount"], message: "must be at least 2 in prod" });
    if (supportsZoneRedundancy(cfg.plan.skuName) && !cfg.plan.zoneRedundant) {
      problems.push({ path: ["plan", "zoneRedundant"], message: `must be true in prod (${cfg.plan.skuName} supports zones)` });
    }
    if (!cfg.alwaysOn) problems.push({ path: ["alwaysOn"], message: "must be true in prod" });
  }
  return problems;
}

/** Everything the app settings are built from; Inputs stay unresolved so secrets stay secret. */
export interface TokenApiSettingsInput {
  cfg: TokenApiSection;
  acsEndpoint: pulumi.Input<string>;
  keyVaultUri: pulumi.Input<string>;
  acsSecretName: pulumi.Input<string>;
  /** Versionless Key Vault secret URI holding the Application Insights connection string, if telemetry is on. */
  appInsightsSecretUri?: pulumi.Input<string>;
  /** `https://ACCOUNT.table.core.windows.net` (no trailing slash). */
  mappingTableEndpoint: pulumi.Input<string>;
  /** Blob URL of the package. */
  packageUrl: pulumi.Input<string>;
  /** Resource id of the app's user-assigned identity (package download and Key Vault references). */
  identityResourceId: pulumi.Input<string>;
  /** Client id of that identity, for DefaultAzureCredential in the app (`AZURE_CLIENT_ID`). */
  identityClientId: pulumi.Input<string>;
}

/** A setting the service reads, or one App Service or @azure/identity reads on its behalf. */
type AppSettingName = TokenApiEnvName | "WEBSITE_RUN_FROM_PACKAGE" | "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID";

/** The App Service app settings of the token API, in a stable order; names from docs/interfaces.md. */
export function tokenApiAppSettings(input: TokenApiSettingsInput): Array<{ name: string; value: pulumi.Input<string> }> {
  const { cfg } = input;
  // Names the service reads are typed by the service's list (a renamed variable fails tsc here); the two
  // run-from-package settings are App Service's own.
  const settings: Array<{ name: AppSettingName; value: pulumi.Input<string> | undefined }> = [
    { name: "ACS_AUTH_MODE", value: cfg.acsAuthMode },
    { name: "ACS_ENDPOINT", value: input.acsEndpoint },
    { name: "KEY_VAULT_URI", value: input.keyVaultUri },
    { name: "ACS_SECRET_NAME", value: input.acsSecretName },
    { name: "SECRET_REFRESH_SECONDS", value: String(cfg.secretRefreshSeconds) },
    { name: "OIDC_ISSUER", value: cfg.oidc.issuer },
    { name: "OIDC_AUDIENCE", value: cfg.oidc.audience },
    { name: "OIDC_JWKS_URI", value: cfg.oidc.jwksUri },
    { name: "OIDC_REQUIRED_SCOPE", value: cfg.oidc.requiredScope },
    { name: "MAPPING_TABLE_ENDPOINT", value: input.mappingTableEndpoint },
    { name: "MAPPING_TABLE_NAME", value: cfg.mappingTableName },
    { name: "TOKEN_ALLOWED_SCOPES", value: cfg.token.allowedScopes.join(",") },
    { name: "TOKEN_DEFAULT_LIFETIME_MINUTES", value: String(cfg.token.defaultLifetimeMinutes) },
    { name: "TOKEN_MAX_LIFETIME_MINUTES", value: String(cfg.token.maxLifetimeMinutes) },
    { name: "TOKEN_MIN_REMAINING_MINUTES", value: String(cfg.token.minRemainingMinutes) },
    { name: "CORS_ALLOWED_ORIGINS", value: cfg.corsAllowedOrigins.join(",") },
    { name: "RATE_LIMIT_PER_USER_PER_MINUTE", value: String(cfg.rateLimit.perUserPerMinute) },
    { name: "RATE_LIMIT_PER_IP_PER_MINUTE", value: String(cfg.rateLimit.perIpPerMinute) },
    { name: "CONVERSATIONS_MANAGE_ROLE", value: cfg.conversations.manageRole },
    {
      name: "CONVERSATIONS_JOIN_ROLES",
      value:
        Object.keys(cfg.conversations.joinRoles).length === 0
          ? undefined
          : Object.entries(cfg.conversations.joinRoles)
              .map(([type, roles]) => `${type}=${roles.join("|")}`)
              .join(";"),
    },
    {
      name: "APPLICATIONINSIGHTS_CONNECTION_STRING",
      // A Key Vault reference: the platform resolves it with the app identity; the value never sits in a setting.
      value: input.appInsightsSecretUri === undefined ? undefined : keyVaultReference(input.appInsightsSecretUri),
    },
    // Application Insights refuses the instrumentation key (disableLocalAuth, components/observability): the app sends
    // with its identity (AZURE_CLIENT_ID), which holds Monitoring Metrics Publisher on the component.
    {
      name: "APPLICATIONINSIGHTS_AUTH_MODE",
      value: input.appInsightsSecretUri === undefined ? undefined : ("managed-identity" satisfies ApplicationInsightsAuthMode),
    },
    { name: "WEBSITE_RUN_FROM_PACKAGE", value: input.packageUrl },
    // The user-assigned identity that holds Storage Blob Data Reader on the package before the site starts.
    { name: "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", value: input.identityResourceId },
    // DefaultAzureCredential picks a user-assigned managed identity by this client id (@azure/identity); the telemetry
    // exporter's ManagedIdentityCredential takes it from the service's config.
    { name: "AZURE_CLIENT_ID", value: input.identityClientId },
  ];
  return settings.filter((s): s is { name: AppSettingName; value: pulumi.Input<string> } => s.value !== undefined);
}

/** `@Microsoft.KeyVault(SecretUri=...)` for a secret URI (an Input, resolved lazily). */
function keyVaultReference(secretUri: pulumi.Input<string>): pulumi.Input<string> {
  if (typeof secretUri === "string") return `@Microsoft.KeyVault(SecretUri=${secretUri})`;
  return pulumi.interpolate`@Microsoft.KeyVault(SecretUri=${secretUri})`;
}

/** How the engine is running the program: the mock engine (tests, offline plan), a real preview, or a real update. */
export type EngineMode = "mock" | "preview" | "deploy";

/** What the component uploads as the package. */
export type PackageSource = { kind: "file"; path: string } | { kind: "placeholder"; reason: string };

/**
 * Decides the package source: the built file when it exists; under the mock engine or in a preview a
 * placeholder (evaluation must not need the artifact); in a real deploy without it, an error saying how to build it.
 */
export function choosePackageSource(path: string, exists: boolean, mode: EngineMode): PackageSource {
  if (exists) return { kind: "file", path };
  if (mode === "deploy") {
    throw new Error(
      `token API package not found at ${path}. Build it first: run \`npm run build\` at the repository root ` +
        "(or `npm run build -w services/token-api`), then run `pulumi up` again.",
    );
  }
  return {
    kind: "placeholder",
    reason: `package ${path} not built; ${mode === "mock" ? "mock evaluation" : "preview"} uses a placeholder`,
  };
}
