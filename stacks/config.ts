// The stack configuration: one zod schema for every `acs-platform:*` key an environment sets, validated before any
// resource is declared, with errors that name the key and the accepted values. This file owns the identity and
// tags sections; every other section is the schema its component exports beside itself, composed here.
import { z } from "zod";
import { REGION_CODES } from "../components/common/naming";
import { communicationConfigSchema, DATA_LOCATIONS, emailConfigSchema } from "../components/communication-services/config";
import { alertRecipientsConfigSchema, logAnalyticsConfigSchema } from "../components/observability/config";
import { keyVaultConfigSchema } from "../components/secret-store/config";
import { eventRoutingConfigSchema } from "../components/event-routing/config";
import { tokenApiConfigSchema, tokenApiEnvironmentProblems } from "../components/token-api-host/config";
import { alertSettingsProblems, alertsConfigSchema, resolveAlertSettings } from "../components/alerts/config";
import { networkAddressProblems, networkConfigSchema, vaultReachabilityProblems } from "../components/network/config";
import { storageConfigSchema, storageNetworkProblems } from "../components/common/storage-config";
import { costConfigProblems, costConfigSchema } from "./cost-config";

/** The config namespace (the project name in Pulumi.yaml). */
export const CONFIG_NAMESPACE = "acs-platform";

/** Data classification labels a team may put in the `dataClassification` tag. */
export const DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;

const slug = (what: string, max: number) =>
  z
    .string()
    .min(2)
    .max(max)
    .regex(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/, `${what}: lowercase letters, digits and single hyphens, starting with a letter`);

// ---- identity: who and where -------------------------------------------------------------------------------
const identitySection = {
  /** Application name; the `<app>` part of every resource name. */
  appName: slug("application name", 40).meta({ description: "`<app>` in every resource name", accepts: "string, 2-40, `a-z0-9-`" }),
  /** Environment name; the `<env>` part of every resource name and the value of the `env` tag. */
  environment: slug("environment name", 16).meta({
    description: "`<env>` in every name; must equal `tags.env`",
    accepts: "string, 2-16, `a-z0-9-`",
  }),
  /** Azure region of regional resources (workspace, Key Vault, resource group). */
  location: z.enum(Object.keys(REGION_CODES) as [string, ...string[]]).meta({
    description: "region of the resource group, workspace, App Insights, Key Vault; `<region>` code in names",
    accepts:
      "region: `australiaeast`, `brazilsouth`, `canadacentral`, `centralindia`, `centralus`, `eastasia`, `eastus`, `eastus2`, `francecentral`, `germanywestcentral`, `japaneast`, `koreacentral`, `northeurope`, `norwayeast`, `southafricanorth`, `southeastasia`, `swedencentral`, `switzerlandnorth`, `uaenorth`, `uksouth`, `westeurope`, `westus2`, `westus3`",
  }),
  /** Where ACS and Email store data at rest (create-only). */
  dataLocation: z
    .enum(DATA_LOCATIONS)
    .meta({ description: "where ACS and Email store data at rest (create-only: changing it replaces them)" }),
  /** Overrides the 5-character suffix of globally unique names (default: hash of project and stack). */
  nameSuffix: z
    .string()
    .regex(/^[a-z0-9]{5}$/, "5 lowercase letters or digits")
    .optional()
    .meta({
      description: "suffix of globally unique names; set only to resolve a global name clash",
      accepts: "5 chars `a-z0-9`",
      defaultText: "hash of project + stack",
    }),
};

// ---- tags ----------------------------------------------------------------------------------------------------
const tagsSection = {
  /** Required tags, merged onto every taggable resource. */
  tags: z
    .object({
      env: z.string().min(1).meta({ description: "required tag on every taggable resource" }),
      owner: z.string().min(1).meta({ description: "required tag" }),
      costCenter: z.string().min(1).meta({ description: "required tag" }),
      dataClassification: z.enum(DATA_CLASSIFICATIONS).meta({ description: "required tag" }),
      service: z.string().min(1).meta({ description: "required tag" }),
    })
    .strict(),
};

/** The whole schema: every key an environment sets. */
export const configSchema = z
  .object({
    ...identitySection,
    ...tagsSection,
    /** Email domains (at most one Azure-managed) and the sender usernames of each; absent when `communication.existing` adopts them. */
    email: emailConfigSchema.optional(),
    /** Log Analytics workspace retention and daily ingestion cap. */
    logAnalytics: logAnalyticsConfigSchema,
    /** E-mail receivers of the action group every alert notifies. */
    alertRecipients: alertRecipientsConfigSchema.meta({
      description: "e-mail receivers of the action group every alert notifies",
      accepts: "list (1+) of `{ name, email }`",
    }),
    /** Key Vault options; the defaults are the secure ones. */
    keyVault: keyVaultConfigSchema,
    /** Event Grid routes of ACS events: storage SKU, dead-letter container and subscriptions. */
    eventRouting: eventRoutingConfigSchema,
    /** The hosted token API: plan, CORS, OIDC, token lifetimes and scopes, mapping table, package path. */
    tokenApi: tokenApiConfigSchema,
    /** Alert thresholds, windows and severities (defaults per environment) and an optional cost budget. */
    alerts: alertsConfigSchema,
    /** VNet integration of the token API and a private endpoint for the vault; the address plan. */
    network: networkConfigSchema,
    /** Every storage account's soft delete and firewall, and the token API accounts' redundancy. */
    storage: storageConfigSchema,
    /** Protection of ACS, the Email service and its domains, and whether ACS access keys are off. */
    communication: communicationConfigSchema,
    /** The usage profile and optional ceiling of the plan's cost estimate (`npm run plan -- --cost`). */
    cost: costConfigSchema,
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const p of tokenApiEnvironmentProblems(cfg.tokenApi, cfg.environment)) {
      ctx.addIssue({ code: "custom", path: ["tokenApi", ...p.path], message: p.message });
    }
    for (const p of alertSettingsProblems(resolveAlertSettings(cfg.environment, cfg.alerts))) {
      ctx.addIssue({ code: "custom", path: ["alerts", ...p.path], message: p.message });
    }
    for (const p of [...networkAddressProblems(cfg.network), ...vaultReachabilityProblems(cfg.network, cfg.keyVault)]) {
      ctx.addIssue({ code: "custom", path: ["network", ...p.path], message: p.message });
    }
    for (const p of storageNetworkProblems(cfg.storage, cfg.network.enabled)) {
      ctx.addIssue({ code: "custom", path: ["storage", ...p.path], message: p.message });
    }
    if (cfg.communication.disableLocalAuth && cfg.tokenApi.acsAuthMode !== "managed-identity") {
      ctx.addIssue({
        code: "custom",
        path: ["communication", "disableLocalAuth"],
        message: `turns off the ACS keys the token API reads in acsAuthMode "${cfg.tokenApi.acsAuthMode}"; set tokenApi.acsAuthMode to managed-identity first`,
      });
    }
    const existing = cfg.communication.existing;
    if (existing === undefined && cfg.email === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["email"],
        message: "is required (an object with domains), unless acs-platform:communication.existing adopts existing email domains",
      });
    }
    if (existing !== undefined && cfg.email !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["email"],
        message:
          "is set together with communication.existing, which adopts the Email service and its domains; remove acs-platform:email (npm run adopt -- --write does)",
      });
    }
    // dataLocation is create-only (x-ms-mutability read, create): an import under another value would be a replacement.
    if (existing !== undefined && existing.communicationService.dataLocation !== cfg.dataLocation) {
      ctx.addIssue({
        code: "custom",
        path: ["communication", "existing", "communicationService", "dataLocation"],
        message: `is "${existing.communicationService.dataLocation}" but acs-platform:dataLocation is "${cfg.dataLocation}"; dataLocation is create-only, so the import cannot take the resource over: set acs-platform:dataLocation to "${existing.communicationService.dataLocation}"`,
      });
    }
    for (const p of costConfigProblems(cfg.cost, cfg.logAnalytics.dailyQuotaGb, cfg.alerts.budget?.amount)) {
      ctx.addIssue({ code: "custom", path: ["cost", ...p.path], message: p.message });
    }
    if (cfg.tags.env !== cfg.environment) {
      ctx.addIssue({
        code: "custom",
        path: ["tags", "env"],
        message: `must equal acs-platform:environment ("${cfg.environment}"); got "${cfg.tags.env}"`,
      });
    }
  });

/** The validated configuration of one stack. */
export type PlatformConfig = z.infer<typeof configSchema>;

/** Thrown when stack config is invalid; `problems` lists one line per key. */
export class StackConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid stack configuration:\n  ${problems.join("\n  ")}`);
    this.name = "StackConfigError";
  }
}

function keyOf(path: readonly PropertyKey[]): string {
  let key = CONFIG_NAMESPACE + ":";
  path.forEach((part, i) => {
    if (typeof part === "number") key += `[${part}]`;
    else key += (i === 0 ? "" : ".") + String(part);
  });
  return key;
}

/** Keys the object schema at `path` accepts (for "unknown key" messages). */
function acceptedKeysAt(path: readonly PropertyKey[], value: unknown): string[] {
  type Loose = { def?: { type?: string; innerType?: Loose; element?: Loose; options?: Loose[] }; shape?: Record<string, Loose> };
  let schema: Loose | undefined = configSchema as unknown as Loose;
  const unwrap = (s: Loose | undefined): Loose | undefined => {
    let cur = s;
    while (cur?.def?.innerType !== undefined && (cur.def.type === "default" || cur.def.type === "prefault" || cur.def.type === "optional"))
      cur = cur.def.innerType;
    return cur;
  };
  for (const seg of path) {
    schema = unwrap(schema);
    if (schema?.def?.type === "union") schema = schema.def.options?.find((o) => o.shape?.[String(seg)] !== undefined);
    if (typeof seg === "number") schema = schema?.def?.element;
    else schema = schema?.shape?.[String(seg)];
  }
  schema = unwrap(schema);
  if (schema?.def?.type === "union") {
    // A discriminated union: pick the option whose `kind` literal matches the value.
    const kind = (value as { kind?: unknown } | undefined)?.kind;
    schema = schema.def.options?.find((o) =>
      (o.shape?.["kind"] as { def?: { values?: unknown[] } } | undefined)?.def?.values?.includes(kind),
    );
  }
  return Object.keys(schema?.shape ?? {});
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = keyOf(issue.path);
  const got = (value: unknown) => (value === undefined ? "" : `; got ${JSON.stringify(value)}`);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_value":
      return `${key} must be one of ${issue.values.map(String).join(", ")}${got(input)}`;
    case "invalid_type":
      return input === undefined
        ? `${key} is required (expected ${issue.expected === "object" ? "an object" : issue.expected === "array" ? "a list" : `a ${issue.expected}`})`
        : `${key} must be ${issue.expected === "object" ? "an object" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}${got(input)}`;
    case "too_small":
      return `${key} must be ${issue.origin === "array" ? `a list of at least ${String(issue.minimum)} item(s)` : issue.origin === "string" ? `at least ${String(issue.minimum)} characters` : `at least ${String(issue.minimum)}`}${got(input)}`;
    case "too_big":
      return `${key} must be ${issue.origin === "array" ? `a list of at most ${String(issue.maximum)} item(s)` : issue.origin === "string" ? `at most ${String(issue.maximum)} characters` : `at most ${String(issue.maximum)}`}${got(input)}`;
    case "invalid_format":
      return `${key} must be ${issue.format === "email" ? "an e-mail address" : issue.message}${got(input)}`;
    case "unrecognized_keys":
      return `${key} has unknown key(s) ${issue.keys.join(", ")}; accepted keys: ${acceptedKeysAt(issue.path, input).join(", ")}`;
    case "invalid_union":
      if (issue.path[issue.path.length - 1] === "kind") {
        return `${key} must be one of AzureManaged, CustomerManaged${got((input as { kind?: unknown } | undefined)?.kind)}`;
      }
      return `${key} ${issue.message}${got(input)}`;
    default:
      return `${key} ${issue.message}`;
  }
}

/** Validates raw config values (keys without the namespace) and returns the typed config or throws StackConfigError. */
export function parseConfig(raw: Record<string, unknown>): PlatformConfig {
  const unknownKeys = Object.keys(raw).filter((k) => !(k in configSchema.shape));
  if (unknownKeys.length > 0) {
    throw new StackConfigError(
      unknownKeys.map((k) => `${CONFIG_NAMESPACE}:${k} is not a known key; accepted keys: ${Object.keys(configSchema.shape).join(", ")}`),
    );
  }
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new StackConfigError(result.error.issues.map(describeIssue));
  }
  return result.data;
}

/**
 * Turns Pulumi's flat config map (`acs-platform:key` → string, structured values as JSON) into raw values for
 * parseConfig; keys of other namespaces (e.g. `azure-native:location`) are ignored.
 */
export function rawConfigFromPulumi(all: Record<string, string>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(all)) {
    const [ns, key] = fullKey.split(":", 2);
    if (ns !== CONFIG_NAMESPACE || key === undefined) continue;
    raw[key] = parseStructured(value);
  }
  return raw;
}

function parseStructured(value: string): unknown {
  const trimmed = value.trim();
  if (/^[[{]/.test(trimmed) || /^-?\d+(\.\d+)?$/.test(trimmed) || trimmed === "true" || trimmed === "false") {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}
