// Pure naming helpers: `<abbr>-<app>-<env>-<region>` names that satisfy each Azure type's length and character
// rules, shortened deterministically (prefix + hash, never bare truncation) and suffixed where Azure needs
// global uniqueness. Rules follow Microsoft Learn "Naming rules and restrictions for Azure resources"
// (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
import { createHash } from "node:crypto";

/** The character and length rule of one Azure resource type, plus its house abbreviation. */
export interface NameRule {
  /** Abbreviation that opens every name of this type. */
  abbr: string;
  minLength: number;
  maxLength: number;
  /** Whether hyphens may appear (never leading, trailing or doubled in generated names). */
  hyphens: boolean;
  /** Whether the name becomes a DNS label or is otherwise unique across Azure, so it gets the stack suffix. */
  globallyUnique: boolean;
  /** Whether the name must start with a letter. */
  startsWithLetter: boolean;
}

/** Every resource type the platform names, with its Azure rule. */
export const NAME_RULES = {
  resourceGroup: { abbr: "rg", minLength: 1, maxLength: 90, hyphens: true, globallyUnique: false, startsWithLetter: false },
  communicationService: { abbr: "acs", minLength: 1, maxLength: 63, hyphens: true, globallyUnique: true, startsWithLetter: true },
  emailService: { abbr: "ecs", minLength: 1, maxLength: 63, hyphens: true, globallyUnique: true, startsWithLetter: true },
  keyVault: { abbr: "kv", minLength: 3, maxLength: 24, hyphens: true, globallyUnique: true, startsWithLetter: true },
  storageAccount: { abbr: "st", minLength: 3, maxLength: 24, hyphens: false, globallyUnique: true, startsWithLetter: false },
  webApp: { abbr: "app", minLength: 2, maxLength: 60, hyphens: true, globallyUnique: true, startsWithLetter: false },
  appServicePlan: { abbr: "asp", minLength: 1, maxLength: 60, hyphens: true, globallyUnique: false, startsWithLetter: false },
  logAnalyticsWorkspace: { abbr: "log", minLength: 4, maxLength: 63, hyphens: true, globallyUnique: false, startsWithLetter: false },
  applicationInsights: { abbr: "appi", minLength: 1, maxLength: 255, hyphens: true, globallyUnique: false, startsWithLetter: false },
  actionGroup: { abbr: "ag", minLength: 1, maxLength: 260, hyphens: true, globallyUnique: false, startsWithLetter: false },
  eventGridSystemTopic: { abbr: "evgt", minLength: 3, maxLength: 128, hyphens: true, globallyUnique: false, startsWithLetter: false },
  userAssignedIdentity: { abbr: "id", minLength: 3, maxLength: 128, hyphens: true, globallyUnique: false, startsWithLetter: true },
  // Microsoft.Network: virtual network 2-64, subnet 1-80, private endpoint 2-64, private DNS zone virtual network
  // link 1-80 (alphanumerics, underscores, periods, hyphens; start alphanumeric). Abbreviations: CAF "vnet", "snet",
  // "pep"; "pdnslink" is the house abbreviation for a private DNS zone's virtual network link.
  virtualNetwork: { abbr: "vnet", minLength: 2, maxLength: 64, hyphens: true, globallyUnique: false, startsWithLetter: false },
  subnet: { abbr: "snet", minLength: 1, maxLength: 80, hyphens: true, globallyUnique: false, startsWithLetter: false },
  privateEndpoint: { abbr: "pep", minLength: 2, maxLength: 64, hyphens: true, globallyUnique: false, startsWithLetter: false },
  privateDnsZoneLink: { abbr: "pdnslink", minLength: 1, maxLength: 80, hyphens: true, globallyUnique: false, startsWithLetter: false },
  // Network security group, NAT gateway and public IP address: 1-80 (same character rules); CAF "nsg", "ng", "pip".
  networkSecurityGroup: { abbr: "nsg", minLength: 1, maxLength: 80, hyphens: true, globallyUnique: false, startsWithLetter: false },
  natGateway: { abbr: "ng", minLength: 1, maxLength: 80, hyphens: true, globallyUnique: false, startsWithLetter: false },
  publicIpAddress: { abbr: "pip", minLength: 1, maxLength: 80, hyphens: true, globallyUnique: false, startsWithLetter: false },
} as const satisfies Record<string, NameRule>;

/** A resource type the naming helpers know. */
export type ResourceKind = keyof typeof NAME_RULES;

/** Short codes of the Azure regions the platform accepts; the code is the `<region>` part of every name. */
export const REGION_CODES: Readonly<Record<string, string>> = {
  australiaeast: "aue",
  brazilsouth: "brs",
  canadacentral: "cac",
  centralindia: "inc",
  centralus: "cus",
  eastasia: "ea",
  eastus: "eus",
  eastus2: "eus2",
  francecentral: "frc",
  germanywestcentral: "gwc",
  japaneast: "jpe",
  koreacentral: "krc",
  northeurope: "neu",
  norwayeast: "noe",
  southafricanorth: "san",
  southeastasia: "sea",
  swedencentral: "sdc",
  switzerlandnorth: "szn",
  uaenorth: "uan",
  uksouth: "uks",
  westeurope: "weu",
  westus2: "wus2",
  westus3: "wus3",
};

/** What every name of one stack is made from. */
export interface NamingContext {
  /** Application name (any case, odd characters are dropped). */
  app: string;
  /** Environment name, e.g. `dev`. */
  env: string;
  /** Azure region, e.g. `westeurope` (must be a key of REGION_CODES). */
  region: string;
  /** Stable per-stack suffix for globally unique names (see stackSuffix). */
  suffix: string;
}

const HASH_LENGTH = 4;

/** A short lowercase base-36 digest of `text`; `length` characters. */
export function shortHash(text: string, length: number): string {
  const digest = createHash("sha256").update(text).digest();
  let value = BigInt("0x" + digest.subarray(0, 12).toString("hex"));
  let out = "";
  while (out.length < length) {
    out += (value % 36n).toString(36);
    value /= 36n;
  }
  return out;
}

/**
 * The 5-character suffix of globally unique names: a hash of project, stack and the Azure subscription the stack
 * deploys to, so it never changes for the life of a stack, and two deployments of the same stack name in two
 * subscriptions (two teams, two developers' own `dev`) get different Key Vault, storage, web app and ACS names —
 * global DNS names (Learn "Naming rules and restrictions for Azure resources"). The program reads the subscription
 * with azure-native's getClientConfig; config `nameSuffix` overrides the hash (decision 0022).
 */
export function stackSuffix(project: string, stack: string, subscriptionId: string): string {
  if (!/^[0-9a-fA-F-]{36}$/.test(subscriptionId)) {
    throw new Error(`the subscription id of the name suffix must be a GUID; got "${subscriptionId}"`);
  }
  return shortHash(`${project}/${stack}/${subscriptionId.toLowerCase()}`, 5);
}

/** Lowercases and reduces `text` to `[a-z0-9-]` without leading, trailing or doubled hyphens. */
export function sanitizeSegment(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The short code of `region`, or an error naming the accepted regions. */
export function regionCode(region: string): string {
  const code = REGION_CODES[region];
  if (code === undefined) {
    throw new Error(`region must be one of ${Object.keys(REGION_CODES).join(", ")}; got "${region}"`);
  }
  return code;
}

/**
 * The name of a resource of `kind` for `ctx`, optionally with a `qualifier` (e.g. `events`) after the app.
 * When the full name is too long, the app/qualifier/env part becomes a prefix plus a hash of the whole part, so
 * two long inputs that share a prefix still differ.
 */
export function resourceName(kind: ResourceKind, ctx: NamingContext, qualifier?: string): string {
  const rule: NameRule = NAME_RULES[kind];
  const sep = rule.hyphens ? "-" : "";
  const clean = (s: string): string => (rule.hyphens ? sanitizeSegment(s) : sanitizeSegment(s).replace(/-/g, ""));
  const middleParts = [ctx.app, qualifier, ctx.env].filter((p): p is string => p !== undefined && p !== "").map(clean);
  const middle = middleParts.filter((p) => p !== "").join(sep);
  if (middle === "") {
    throw new Error(`name for ${kind}: app and env must contain at least one letter or digit; got "${ctx.app}", "${ctx.env}"`);
  }
  const head = rule.abbr;
  const tail = [regionCode(ctx.region), rule.globallyUnique ? clean(ctx.suffix) : ""].filter((p) => p !== "");
  const assemble = (mid: string): string => [head, mid, ...tail].join(sep);
  let name = assemble(middle);
  if (name.length > rule.maxLength) {
    name = shortenedName(rule, middle, middleParts, head, tail, sep, kind);
  }
  const problem = nameRuleViolation(kind, name);
  if (problem !== undefined) {
    throw new Error(problem);
  }
  return name;
}

/**
 * Shortens the app (and qualifier) part to a prefix plus a hash of the whole middle, keeping the environment
 * readable; when even that does not fit, the whole middle becomes prefix plus hash.
 */
function shortenedName(rule: NameRule, middle: string, parts: string[], head: string, tail: string[], sep: string, kind: string): string {
  const hash = shortHash(middle, HASH_LENGTH);
  const assemble = (...mid: string[]): string => [head, ...mid.filter((m) => m !== ""), ...tail].join(sep);
  const env = parts[parts.length - 1] ?? "";
  const app = parts
    .slice(0, -1)
    .filter((p) => p !== "")
    .join(sep);
  const appRoom = rule.maxLength - assemble("x", env).length + 1;
  if (app !== "" && appRoom >= HASH_LENGTH + 1) {
    const prefix = app.slice(0, appRoom - HASH_LENGTH).replace(/-+$/, "");
    return assemble(`${prefix}${hash}`, env);
  }
  const room = rule.maxLength - assemble("x").length + 1;
  if (room < HASH_LENGTH + 1) {
    throw new Error(`name for ${kind}: no room for the application part within ${rule.maxLength} characters`);
  }
  return assemble(`${middle.slice(0, room - HASH_LENGTH).replace(/-+$/, "")}${hash}`);
}

/** Why `name` breaks the rule of `kind`, or undefined when it is valid. */
export function nameRuleViolation(kind: ResourceKind, name: string): string | undefined {
  const rule: NameRule = NAME_RULES[kind];
  if (name.length < rule.minLength || name.length > rule.maxLength) {
    return `${kind} name "${name}" must be ${rule.minLength}-${rule.maxLength} characters; it has ${name.length}`;
  }
  const allowed = rule.hyphens ? /^[a-z0-9-]+$/ : /^[a-z0-9]+$/;
  if (!allowed.test(name)) {
    return `${kind} name "${name}" may contain only lowercase letters, digits${rule.hyphens ? " and hyphens" : ""}`;
  }
  if (rule.hyphens && (/--/.test(name) || name.startsWith("-") || name.endsWith("-"))) {
    return `${kind} name "${name}" must not start or end with a hyphen or contain "--"`;
  }
  if (rule.startsWithLetter && !/^[a-z]/.test(name)) {
    return `${kind} name "${name}" must start with a letter`;
  }
  return undefined;
}

/**
 * The action group short name (at most 12 characters, shown in alert SMS/e-mails): `<app>-<env>` shortened with
 * a hash like resourceName when it does not fit.
 */
export function actionGroupShortName(ctx: Pick<NamingContext, "app" | "env">): string {
  const full = [sanitizeSegment(ctx.app), sanitizeSegment(ctx.env)].filter((p) => p !== "").join("-");
  if (full.length <= 12) {
    return full;
  }
  return `${full.slice(0, 12 - HASH_LENGTH - 1).replace(/-+$/, "")}-${shortHash(full, HASH_LENGTH)}`;
}

/** A stable GUID (RFC 4122 layout, version 5 style) from `parts`, for resources whose name must be a GUID. */
export function deterministicGuid(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("/")).digest("hex");
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
