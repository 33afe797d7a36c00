// The plan's cost estimate (`npm run plan -- --cost`): a monthly list-price figure per resource (fixed charges:
// plan instances, gateway and endpoint hours, alert rules) and per usage primitive of the stack's usage profile
// (the `cost` config section: messages, emails, SMS, minutes, log GB, operations), from the price table. Which
// meters a type may use is its catalog entry's `priceMeters` (policies/azure-types.ts); a resource whose meter has no
// price is listed as not priced, with the reason, never guessed. Pure: the clock and the table are arguments.
import { AZURE_TYPES, type AzureType } from "../../../policies/azure-types";
import type { CostSection } from "../../../stacks/cost-config";
import { HOURS_PER_MONTH, MAX_PRICE_AGE_DAYS, staleRows, type PriceRow, type PriceTable } from "./prices";

/**
 * The date Microsoft retires ACS Email, SMS, Chat and number management as a standalone offering; calling stays
 * only with a Teams-aligned service after it. Source: https://aka.ms/acs-retirement-and-breaking-changes-guide.
 */
export const ACS_RETIREMENT_DATE = "2028-09-30";
const RETIRES = `retires ${ACS_RETIREMENT_DATE}`;
const BREAKING = `Teams-aligned only after ${ACS_RETIREMENT_DATE}`;

/** Days in a month, consistent with HOURS_PER_MONTH. */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
/** Days of Log Analytics retention included with ingestion (the retention meter charges beyond them). */
export const LOG_ANALYTICS_FREE_RETENTION_DAYS = 31;
/** Event Grid operations free each month. */
export const EVENT_GRID_FREE_OPERATIONS = 100_000;

/** What a resource looks like to the estimate: a planned resource or a baseline one. */
export interface CostResource {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
  name?: string;
}

export interface CostLine {
  urn: string;
  /** The resource's Azure name (its name input) or Pulumi name. */
  name: string;
  type: string;
  /** What is charged, e.g. `B1 × 1 instance` or `chat messages`. */
  what: string;
  meter: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  monthly: number;
  region: string;
  asOf: string | null;
  /** Set on ACS primitives: their retirement. */
  lifecycle?: string;
}

export interface UnpricedItem {
  urn: string;
  name: string;
  type: string;
  what: string;
  reason: string;
}

export interface CostEstimate {
  currency: "USD";
  fixed: CostLine[];
  usage: CostLine[];
  unpriced: UnpricedItem[];
  /** Resources charged by usage only, or with no charge of their own, and why (the catalog's priceNote). */
  notes: Array<{ urn: string; name: string; type: string; note: string }>;
  fixedTotal: number;
  usageTotal: number;
  total: number;
  /** Prices older than MAX_PRICE_AGE_DAYS (or undated) among those used; the warning line when any. */
  stale: { meters: string[]; warning?: string };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The catalog entry of a type, or undefined. */
function entry(type: string): AzureType | undefined {
  return (AZURE_TYPES as Record<string, AzureType>)[type];
}

/** A resource's Azure name: the name input of its type when set, else the Pulumi name from the URN. */
export function resourceName(r: CostResource): string {
  for (const k of [
    "name",
    "resourceName",
    "accountName",
    "workspaceName",
    "natGatewayName",
    "publicIpAddressName",
    "privateEndpointName",
    "privateZoneName",
    "ruleName",
    "systemTopicName",
    "vaultName",
  ]) {
    const v = str(r.inputs[k]);
    if (v !== undefined) return v;
  }
  return r.name ?? r.urn.slice(r.urn.lastIndexOf("::") + 2);
}

/** Fixed monthly quantity and meter of one resource, or why it has none that can be priced. */
type Fixed = { meter: string; quantity: number; what: string } | { unpriced: string; what: string } | undefined;

function fixedCharge(r: CostResource): Fixed {
  const i = r.inputs;
  switch (r.type) {
    case "azure-native:web:AppServicePlan": {
      const sku = obj(i["sku"]);
      const name = str(sku["name"]) ?? "?";
      const instances = num(sku["capacity"]) ?? 1;
      const what = `${name} × ${instances} instance${instances === 1 ? "" : "s"}`;
      if (i["reserved"] !== true) return { unpriced: "not a Linux plan (reserved is not true); the table holds Linux plan prices", what };
      return { meter: `appservice-linux-${name}`, quantity: instances * HOURS_PER_MONTH, what };
    }
    case "azure-native:network:NatGateway":
      return { meter: "nat-gateway-hour", quantity: HOURS_PER_MONTH, what: "gateway hours" };
    case "azure-native:network:PublicIPAddress": {
      const sku = str(obj(i["sku"])["name"]);
      const what = `${sku ?? "?"} ${str(i["publicIPAllocationMethod"]) ?? "?"} IPv4`;
      if (sku !== "Standard" || i["publicIPAllocationMethod"] !== "Static")
        return { unpriced: "only a Standard static IPv4 address has a cited price", what };
      return { meter: "public-ip-static-standard", quantity: HOURS_PER_MONTH, what };
    }
    case "azure-native:network:PrivateEndpoint":
      return { meter: "private-endpoint-hour", quantity: HOURS_PER_MONTH, what: "endpoint hours" };
    case "azure-native:privatedns:PrivateZone":
      return { meter: "private-dns-zone", quantity: 1, what: "hosted zone" };
    case "azure-native:monitor:ScheduledQueryRule": {
      const f = str(i["evaluationFrequency"]) ?? "?";
      const minutes = /^PT(\d+)M$/.exec(f)
        ? Number(/^PT(\d+)M$/.exec(f)![1])
        : /^PT(\d+)H$/.exec(f)
          ? Number(/^PT(\d+)H$/.exec(f)![1]) * 60
          : undefined;
      const what = `log alert every ${f}`;
      if (minutes === undefined) return { unpriced: `evaluationFrequency ${f} is not an ISO duration the table prices`, what };
      const meter =
        minutes >= 15 ? "log-alert-pt15m" : minutes >= 10 ? "log-alert-pt10m" : minutes >= 5 ? "log-alert-pt5m" : "log-alert-pt1m";
      return { meter, quantity: 1, what };
    }
    case "azure-native:monitor:MetricAlert": {
      // One time series per scope and per combination of the dimension values each criterion includes.
      const scopes = Array.isArray(i["scopes"]) ? i["scopes"].length : 1;
      const allOf = Array.isArray(obj(i["criteria"])["allOf"]) ? (obj(i["criteria"])["allOf"] as unknown[]) : [{}];
      const series =
        scopes *
        allOf.reduce<number>((sum, c) => {
          const dims = Array.isArray(obj(c)["dimensions"]) ? (obj(c)["dimensions"] as unknown[]) : [];
          return (
            sum +
            dims.reduce<number>((p, d) => p * Math.max(1, Array.isArray(obj(d)["values"]) ? (obj(d)["values"] as unknown[]).length : 1), 1)
          );
        }, 0);
      return { meter: "metric-alert-time-series", quantity: series, what: `${series} time series` };
    }
    default:
      return undefined;
  }
}

/** Usage lines (per primitive) of a resource, from the profile; each `[meter, quantity, what]`. */
function usageCharges(r: CostResource, cost: CostSection): Array<{ meter: string; quantity: number; what: string; lifecycle?: string }> {
  const u = cost.usage;
  const i = r.inputs;
  switch (r.type) {
    case "azure-native:communication:CommunicationService":
      return [
        { meter: "acs-chat-message", quantity: u.chatMessagesPerMonth, what: "chat messages", lifecycle: RETIRES },
        ...Object.entries(u.smsSegmentsPerMonth).map(([cc, n]) => ({
          meter: `acs-sms-${cc}`,
          quantity: n,
          what: `SMS segments to ${cc}`,
          lifecycle: RETIRES,
        })),
        ...(u.tollFreeNumbers > 0
          ? [{ meter: "acs-tollfree-number", quantity: u.tollFreeNumbers, what: "toll-free numbers", lifecycle: RETIRES }]
          : []),
        ...(u.callingMinutesPerMonth > 0
          ? [{ meter: "acs-voip-minute", quantity: u.callingMinutesPerMonth, what: "VoIP participant-minutes", lifecycle: BREAKING }]
          : []),
      ];
    case "azure-native:communication:EmailService":
      return [
        { meter: "acs-email-message", quantity: u.emailsPerMonth, what: "emails", lifecycle: RETIRES },
        {
          meter: "acs-email-mb",
          quantity: round2((u.emailsPerMonth * u.emailSizeKb) / 1024),
          what: `MB of email (${u.emailSizeKb} KB each)`,
          lifecycle: RETIRES,
        },
      ];
    case "azure-native:operationalinsights:Workspace": {
      const cap = num(obj(i["workspaceCapping"])["dailyQuotaGb"]);
      const perDay = u.logAnalyticsGbPerDay ?? cap ?? 0;
      const retention = num(i["retentionInDays"]) ?? LOG_ANALYTICS_FREE_RETENTION_DAYS;
      const from = u.logAnalyticsGbPerDay === undefined && cap !== undefined ? "at the daily cap" : "from the profile";
      return [
        { meter: "log-analytics-ingestion", quantity: round2(perDay * DAYS_PER_MONTH), what: `GB ingested (${perDay} GB/day ${from})` },
        // Steady state: every GB is kept `retention` days, the first 31 of them included.
        ...(retention > LOG_ANALYTICS_FREE_RETENTION_DAYS
          ? [
              {
                meter: "log-analytics-retention",
                quantity: round2(perDay * (retention - LOG_ANALYTICS_FREE_RETENTION_DAYS)),
                what: `GB retained beyond ${LOG_ANALYTICS_FREE_RETENTION_DAYS} days (${retention}-day retention, steady state)`,
              },
            ]
          : []),
      ];
    }
    case "azure-native:network:NatGateway":
      return u.natGbPerMonth > 0 ? [{ meter: "nat-gateway-gb", quantity: u.natGbPerMonth, what: "GB processed" }] : [];
    case "azure-native:network:PrivateEndpoint":
      return u.privateEndpointGbPerMonth > 0
        ? [{ meter: "private-endpoint-gb", quantity: u.privateEndpointGbPerMonth, what: "GB processed" }]
        : [];
    case "azure-native:eventgrid:SystemTopic":
      return [
        {
          meter: "eventgrid-operations",
          quantity: Math.max(0, u.eventGridOperationsPerMonth - EVENT_GRID_FREE_OPERATIONS) / 1_000_000,
          what: `million operations beyond the ${EVENT_GRID_FREE_OPERATIONS.toLocaleString("en-US")} free (${u.eventGridOperationsPerMonth.toLocaleString("en-US")} per month)`,
        },
      ];
    case "azure-native:keyvault:Vault":
      return [
        {
          meter: "keyvault-operations",
          quantity: u.keyVaultOperationsPerMonth / 10_000,
          what: `×10K operations (${u.keyVaultOperationsPerMonth.toLocaleString("en-US")} per month)`,
        },
      ];
    default:
      return [];
  }
}

/** The estimate of a set of resources under a usage profile and a price table, at `now` (for the price age). */
export function estimateCost(resources: readonly CostResource[], cost: CostSection, table: PriceTable, now: Date): CostEstimate {
  const rows = new Map(table.rows.map((r) => [r.id, r]));
  const fixed: CostLine[] = [];
  const usage: CostLine[] = [];
  const unpriced: UnpricedItem[] = [];
  const notes: CostEstimate["notes"] = [];
  const used = new Set<string>();
  // The profile's usage is charged once per stack: on the first resource of each type.
  const charged = new Set<string>();
  for (const r of resources) {
    const e = entry(r.type);
    if (e === undefined) continue;
    const name = resourceName(r);
    const base = { urn: r.urn, name, type: r.type };
    const line = (row: PriceRow & { price: number }, quantity: number, what: string, lifecycle?: string): CostLine => {
      used.add(row.id);
      return {
        ...base,
        what,
        meter: row.id,
        quantity,
        unit: row.unitOfMeasure,
        unitPrice: row.price,
        monthly: round2(quantity * row.price),
        region: row.region,
        asOf: row.asOf,
        ...(lifecycle ? { lifecycle } : {}),
      };
    };
    /** The row of a meter the catalog allows for this type, or why it cannot be charged. */
    const resolve = (meter: string): { row: PriceRow & { price: number } } | { reason: string } => {
      const allowed = e.priceMeters ?? [];
      const row =
        rows.get(meter) ??
        (meter.startsWith("appservice-linux-")
          ? rows.get("appservice-linux-other")
          : meter.startsWith("acs-sms-")
            ? rows.get("acs-sms-other")
            : undefined);
      if (row === undefined || !allowed.includes(row.id)) return { reason: `no price meter ${meter} in the table for ${r.type}` };
      if (row.price === null) return { reason: row.reason ?? "not priced" };
      return { row: row as PriceRow & { price: number } };
    };
    const f = fixedCharge(r);
    if (f !== undefined) {
      if ("unpriced" in f) unpriced.push({ ...base, what: f.what, reason: f.unpriced });
      else {
        const got = resolve(f.meter);
        if ("reason" in got) unpriced.push({ ...base, what: f.what, reason: got.reason });
        else fixed.push(line(got.row, f.quantity, f.what));
      }
    }
    if (!charged.has(r.type)) {
      const charges = usageCharges(r, cost);
      if (charges.length > 0) charged.add(r.type);
      for (const c of charges) {
        const got = resolve(c.meter);
        if ("reason" in got) unpriced.push({ ...base, what: c.what, reason: got.reason });
        else usage.push(line(got.row, c.quantity, c.what, c.lifecycle));
      }
    }
    if (e.priceNote !== undefined) notes.push({ ...base, note: e.priceNote });
  }
  const fixedTotal = round2(fixed.reduce((s, l) => s + l.monthly, 0));
  const usageTotal = round2(usage.reduce((s, l) => s + l.monthly, 0));
  const stale = staleRows(table, used, now);
  const undated = stale.filter((r) => r.asOf === null).length;
  const dated = stale
    .filter((r) => r.asOf !== null)
    .map((r) => r.asOf!)
    .sort();
  return {
    currency: "USD",
    fixed,
    usage,
    unpriced,
    notes,
    fixedTotal,
    usageTotal,
    total: round2(fixedTotal + usageTotal),
    stale: {
      meters: stale.map((r) => r.id),
      ...(stale.length > 0
        ? {
            warning:
              `${stale.length} price${stale.length === 1 ? "" : "s"} used ${stale.length === 1 ? "is" : "are"} older than ${MAX_PRICE_AGE_DAYS} days or undated` +
              `${dated.length > 0 ? ` (oldest ${dated[0]})` : ""}${undated > 0 ? `, ${undated} without a date in their source` : ""}: ` +
              "list prices change; run `npm run prices:update` to refresh the table from the Azure Retail Prices API",
          }
        : {}),
    },
  };
}

/** The delta of one resource (by URN) between a baseline estimate and this one. */
export interface CostDelta {
  urn: string;
  name: string;
  type: string;
  before: number;
  after: number;
  delta: number;
  /** `B1 × 1 instance → P1v3 × 1 instance`, or `created`/`deleted`. */
  change: string;
}

/** What `--compare` adds to the cost section: the resources whose fixed monthly figure changes, the total delta, and
 *  the resources the change adds that have no fixed charge, with why (e.g. an email domain: usage-priced email). */
export interface CostComparison {
  deltas: CostDelta[];
  fixedDelta: number;
  addedWithoutFixed: Array<{ urn: string; name: string; type: string; note: string }>;
}

/** Compares the fixed monthly cost per resource of a baseline's estimate with this plan's. */
export function compareCost(before: CostEstimate, after: CostEstimate, baselineUrns: ReadonlySet<string>): CostComparison {
  const sum = (e: CostEstimate) => {
    const m = new Map<string, { name: string; type: string; monthly: number; what: string[] }>();
    for (const l of e.fixed) {
      const x = m.get(l.urn) ?? { name: l.name, type: l.type, monthly: 0, what: [] };
      x.monthly = round2(x.monthly + l.monthly);
      x.what.push(l.what);
      m.set(l.urn, x);
    }
    return m;
  };
  const b = sum(before);
  const a = sum(after);
  const deltas: CostDelta[] = [];
  for (const urn of new Set([...a.keys(), ...b.keys()])) {
    const x = b.get(urn);
    const y = a.get(urn);
    const delta = round2((y?.monthly ?? 0) - (x?.monthly ?? 0));
    if (delta === 0) continue;
    const change =
      x === undefined
        ? `created: ${y!.what.join(", ")}`
        : y === undefined
          ? `deleted: ${x.what.join(", ")}`
          : `${x.what.join(", ")} → ${y.what.join(", ")}`;
    deltas.push({ urn, name: (y ?? x)!.name, type: (y ?? x)!.type, before: x?.monthly ?? 0, after: y?.monthly ?? 0, delta, change });
  }
  deltas.sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta) || p.name.localeCompare(q.name));
  const addedWithoutFixed = after.notes.filter((n) => !baselineUrns.has(n.urn) && !a.has(n.urn));
  return { deltas, fixedDelta: round2(deltas.reduce((s, d) => s + d.delta, 0)), addedWithoutFixed };
}

/** `$1,234.56`, with a sign when asked. */
export function usd(n: number, signed = false): string {
  const s = `$${Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return n < 0 ? `-${s}` : signed ? `+${s}` : s;
}
