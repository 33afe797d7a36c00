// Azure behaviours the deployability rules check and the program relies on, each defined once with its source:
// the program imports these (budget start, default sender, verified-domain tag, supported Node) so what it
// deploys and what the rules accept cannot drift apart. Pure data and functions, no Pulumi imports.

/** Where each fact was read; the rules quote these in their messages. */
export const SOURCES = {
  connectDomain: "https://learn.microsoft.com/azure/communication-services/quickstarts/email/connect-email-communication-resource",
  multipleSenders: "https://learn.microsoft.com/azure/communication-services/quickstarts/email/add-multiple-senders",
  engagementTracking: "https://learn.microsoft.com/azure/communication-services/quickstarts/email/enable-user-engagement-tracking",
  azureNativeCreate: "https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/openapi/defaults/defaultResourcesState.go",
  budgetTimePeriod:
    "https://github.com/Azure/azure-rest-api-specs/blob/main/specification/cost-management/resource-manager/Microsoft.CostManagement/stable/2024-08-01/costmanagement.budgets.json",
  keyVaultReferences: "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references",
  vnetRouting: "https://learn.microsoft.com/azure/app-service/configure-vnet-integration-routing",
  runFromPackage: "https://learn.microsoft.com/azure/app-service/deploy-run-package",
  planTiers: "https://learn.microsoft.com/azure/app-service/overview-hosting-plans",
  logAlertValidation: "https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule",
  nodeReleases: "https://nodejs.org/en/about/previous-releases",
  nodeOnAppService: "https://github.com/Azure/app-service-linux-docs/blob/master/Runtime_Support/node_support.md",
  acsRetirement: "https://learn.microsoft.com/azure/communication-services/acs-retirement-and-breaking-changes-guide",
} as const;

// ---- email -----------------------------------------------------------------------------------------------------

/**
 * Tag the program puts on every email domain: "true" once the operator has confirmed (config `verified: true`)
 * that Azure reports the domain verified. Only such domains are linked to ACS; a new domain never is, because
 * Azure links only verified domains ("This domain must be fully verified before attempting to link it").
 */
export const EMAIL_DOMAIN_VERIFIED_TAG = "acs-email-domain-verified";

/**
 * Tag the program puts on every email domain: "true" once the operator has confirmed (config
 * `sendingLimitsRaised: true`) that Microsoft raised the domain's sending limits after a support request. ARM has
 * no property for it, and both extra sender usernames and user-engagement tracking need it: "Sender usernames cannot
 * be enabled for Azure Managed Domains or custom domains with default sending limits" (Learn "Add multiple sender
 * addresses"); "User Engagement Tracking cannot be enabled for Azure Managed Domains or custom domains with default
 * sending limits" (Learn "Enable user engagement tracking").
 */
export const EMAIL_DOMAIN_LIMITS_RAISED_TAG = "acs-email-domain-sending-limits-raised";

/** True when a domain's tags say it is verified and its sending limits raised: extra senders and tracking may exist. */
export function domainTagsAllowSenders(tags: unknown): boolean {
  if (tags === null || typeof tags !== "object") return false;
  const t = tags as Record<string, unknown>;
  return t[EMAIL_DOMAIN_VERIFIED_TAG] === "true" && t[EMAIL_DOMAIN_LIMITS_RAISED_TAG] === "true";
}

/**
 * The sender username Azure creates on every email domain ("it has default MailFrom address as
 * donotreply@..."). azure-native's create reads the resource first and fails with "cannot create already existing
 * resource" for anything outside its default-resource list, which has no Communication entry.
 */
export const DEFAULT_SENDER_USERNAME = "DoNotReply";

/** True when `username` is the default sender (Azure compares it case-insensitively). */
export function isDefaultSender(username: unknown): boolean {
  return typeof username === "string" && username.toLowerCase() === DEFAULT_SENDER_USERNAME.toLowerCase();
}

// ---- cost management -------------------------------------------------------------------------------------------

/** `YYYY-MM-01T00:00:00Z`: the first day (UTC) of the month `now` falls in. */
export function firstDayOfMonthUtc(now: Date): string {
  const y = now.getUTCFullYear();
  const m = String(now.getUTCMonth() + 1).padStart(2, "0");
  return `${y}-${m}-01T00:00:00Z`;
}

/**
 * Why Cost Management rejects `startDate` for a Monthly budget created at `now`, or undefined when it accepts it.
 * BudgetTimePeriod (costmanagement.budgets.json, 2024-08-01): "The start date must be first of the month ...
 * Future start date should not be more than twelve months. Past start date should be selected within the
 * timegrain period."
 */
export function budgetStartProblem(startDate: string, now: Date): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T00:00:00(\.0+)?Z?)?$/.exec(startDate);
  if (m === null) return `startDate "${startDate}" is not a date YYYY-MM-DD`;
  const [, y, mo, d] = m;
  if (d !== "01") return `startDate "${startDate}" is not the first day of a month`;
  const start = Date.UTC(Number(y), Number(mo) - 1, 1);
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const latest = Date.UTC(now.getUTCFullYear() + 1, now.getUTCMonth(), 1);
  if (start < monthStart) {
    return `startDate "${startDate}" lies before the current month (${firstDayOfMonthUtc(now).slice(0, 10)}); a past start date must be within the current time grain`;
  }
  if (start > latest) return `startDate "${startDate}" is more than twelve months ahead`;
  return undefined;
}

// ---- App Service -----------------------------------------------------------------------------------------------

/**
 * The family of an App Service plan SKU name the platform accepts (zone-redundancy and validity rules), or undefined
 * for a name it does not. Not the ARM `sku.tier`: P0v3 belongs to tier Premium0V3 and P*mv3 to PremiumMV3, so the
 * plan sends no tier at all and lets ARM derive it (policies/web-appserviceplan-enforce-sku-tier.ts).
 */
export function appServiceSkuFamily(skuName: string): string | undefined {
  if (/^B[123]$/.test(skuName)) return "Basic";
  if (/^S[123]$/.test(skuName)) return "Standard";
  if (/^P[123]v2$/.test(skuName)) return "PremiumV2";
  if (/^P[0-5]m?v3$/.test(skuName)) return "PremiumV3";
  if (/^P[0-5]m?v4$/.test(skuName)) return "PremiumV4";
  if (/^I[1-6]m?v2$/.test(skuName)) return "IsolatedV2";
  return undefined;
}

/**
 * The plan families that may be zone-redundant (Learn "Reliability in Azure App Service",
 * https://learn.microsoft.com/azure/reliability/reliability-app-service, Requirements: "You must use the Premium v2,
 * Premium v3, or Isolated v2 plan types"; the page's production recommendation "Use premium v3/v4 App Service plans"
 * and zone redundancy with them adds Premium v4). Isolated v2 is zone-redundant only in a zone-redundant App Service
 * Environment (same page). The stack config and the pack's web-appserviceplan-enable-zone-redundancy both read it.
 */
export const ZONE_REDUNDANT_PLAN_FAMILIES: readonly string[] = ["PremiumV2", "PremiumV3", "PremiumV4", "IsolatedV2"];

/** ZONE_REDUNDANT_PLAN_FAMILIES as a reader names them, for messages. */
export const ZONE_REDUNDANT_PLAN_HELP = "Premium v2/v3/v4 or Isolated v2";

/** Whether a plan of `skuName` may be zone-redundant. */
export function supportsZoneRedundancy(skuName: string): boolean {
  return ZONE_REDUNDANT_PLAN_FAMILIES.includes(appServiceSkuFamily(skuName) ?? "");
}

/**
 * The `sku.tier` each plan SKU name belongs to, where sources agree: Basic, Standard, PremiumV2, PremiumV3 and
 * PremiumMV3 (Azure Policy's App Service tier allow-list and Terraform state exports list `P1mv3`/`PremiumMV3`).
 * `P0v3` is listed as `Premium0V3` by Azure Policy but as `PremiumV3` elsewhere, so both are accepted; v4 and
 * Isolated v2 names are left out (no source read). The program sends no tier at all: ARM derives it from the name.
 */
export function acceptedPlanTiers(skuName: string): readonly string[] | undefined {
  if (/^B[123]$/.test(skuName)) return ["Basic"];
  if (/^S[123]$/.test(skuName)) return ["Standard"];
  if (/^P[123]v2$/.test(skuName)) return ["PremiumV2"];
  if (skuName === "P0v3") return ["Premium0V3", "PremiumV3"];
  if (/^P[1-5]v3$/.test(skuName)) return ["PremiumV3"];
  if (/^P[0-5]mv3$/.test(skuName)) return ["PremiumMV3"];
  return undefined;
}

/**
 * End of life of each Node.js LTS major (Node.js release schedule); App Service removes a major from the runtime
 * stacks it offers once it reaches end of life (SOURCES.nodeOnAppService).
 */
const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: "2025-04-30",
  20: "2026-04-30",
  22: "2027-04-30",
  24: "2028-04-30",
};

/** The Node major the token API runs on App Service (`NODE|22-lts`) and is bundled for (`node22`). */
export const TOKEN_API_NODE_MAJOR = 22;

/** Why `NODE|<major>-lts` is not a supported runtime at `now`, or undefined. */
export function nodeRuntimeProblem(linuxFxVersion: string, now: Date): string | undefined {
  const m = /^NODE\|(\d+)/i.exec(linuxFxVersion);
  if (m === null) return undefined;
  const major = Number(m[1]);
  const eol = NODE_END_OF_LIFE[major];
  if (eol === undefined) return major < 18 ? `Node ${major} reached end of life before ${NODE_END_OF_LIFE[18]}` : undefined;
  return now.getTime() >= Date.parse(`${eol}T00:00:00Z`) ? `Node ${major} reached end of life on ${eol}` : undefined;
}

// ---- ACS retirement --------------------------------------------------------------------------------------------

/**
 * The day ACS retires as a standalone offering: Email, SMS and Chat (among others) "aren't supported and can't be
 * used" from then on ("Retirement and breaking changes guide for Azure Communication Services", SOURCES.acsRetirement).
 */
export const ACS_RETIREMENT_DATE = "2028-09-30";

/** The sign-up cut-off: "Beginning October 23, 2026, new customers can't sign up for ... retiring services". */
export const ACS_SIGNUP_CUTOFF_DATE = "2026-10-23";

/** Whether the retiring services have retired at `now` (from 00:00 UTC of the retirement date). */
export function acsRetired(now: Date): boolean {
  return now.getTime() >= Date.parse(`${ACS_RETIREMENT_DATE}T00:00:00Z`);
}

/**
 * The zones of a zone-redundant resource: all three of the region's (PSRule Azure.PublicIP.AvailabilityZone,
 * AZR-000157, accepts exactly these; Learn "Public IP addresses": "Standard IPs can be non-zonal, zonal, or
 * zone-redundant", https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses).
 */
export const ZONE_REDUNDANT_ZONES = ["1", "2", "3"] as const;
