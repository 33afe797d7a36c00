// The plan's cost estimate (tools/plan/cost/, `npm run plan -- --cost`), in process: every billable resource of dev
// and prod is priced (the test that fails for a billable type without a price), usage from each stack's profile,
// dev B1 → P1v3 against dev's plan shows +$100.74 in text, JSON and markdown, an added email domain shows no fixed
// delta and says email is usage-priced, the price-age warning follows a fake clock, a mandatory ceiling below prod's
// estimate fails the plan naming the top contributors, and the usage profile is validated against the daily cap.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { AZURE_TYPES, type AzureType } from "../../../policies/azure-types";
import { COST_CEILING_POLICY } from "../../../policies/cost-stack-enforce-ceiling";
import { estimateCost } from "../../../tools/plan/cost/estimate";
import { loadPriceTable, parsePriceTable, type PriceTable } from "../../../tools/plan/cost/prices";
import { loadBaseline } from "../../../tools/plan/diff/baseline";
import { renderJson } from "../../../tools/plan/formats/json";
import { renderMarkdown } from "../../../tools/plan/formats/markdown";
import { renderSarif } from "../../../tools/plan/formats/sarif";
import { renderText } from "../../../tools/plan/formats/text";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../../tools/plan/harness";
import { buildReport } from "../../../tools/plan/report-builder";
import type { PlanResult } from "../../../tools/plan/types";
import { parseConfig, StackConfigError } from "../../../stacks/config";
import { costConfigSchema } from "../../../stacks/cost-config";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cost-"));
const yamlOf = (stack: string) => fs.readFileSync(path.join(DEFAULT_PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8");
function configFile(name: string, text: string): string {
  const file = path.join(tmp, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}
/** A clock inside every dated price's 180 days would be wrong for undated rows; the tests that do not test the
 *  warning use today's date of the project. */
const NOW = new Date("2026-12-07T12:00:00Z");

let dev: PlanResult;
let prod: PlanResult;
beforeAll(async () => {
  dev = await evaluateStack({ stack: "dev" });
  prod = await evaluateStack({ stack: "prod" });
}, 120_000);

describe("coverage: every billable resource of dev and prod is priced", () => {
  const table = loadPriceTable();
  it("every type the stacks declare states its price meters (or [] with why), and every meter is a table row", () => {
    const types = new Set([...dev.resources, ...prod.resources].map((r) => r.type).filter((t) => t.startsWith("azure-native:")));
    const catalog = AZURE_TYPES as Record<string, AzureType>;
    expect([...types].filter((t) => catalog[t]?.priceMeters === undefined)).toEqual([]);
    expect([...types].filter((t) => catalog[t]!.priceMeters!.length === 0 && catalog[t]!.priceNote === undefined)).toEqual([]);
    const ids = new Set(table.rows.map((r) => r.id));
    expect(Object.values(catalog).flatMap((t) => (t.priceMeters ?? []).filter((m) => !ids.has(m)))).toEqual([]);
  });
  it.each(["dev", "prod"])("%s: no billable resource is left unpriced, and these are the billable ones", (stack) => {
    const plan = stack === "dev" ? dev : prod;
    const e = estimateCost(plan.resources, parseConfig(rawOf(stack)).cost, table, NOW);
    expect(e.unpriced).toEqual([]);
    const billable = [...new Set([...e.fixed, ...e.usage].map((l) => `${l.type.replace("azure-native:", "")} ${l.name}`))].sort();
    expect(billable).toEqual(stack === "dev" ? DEV_BILLABLE : PROD_BILLABLE);
  });
  it("a plan SKU without a price is listed as not priced with the table's reason, not guessed", () => {
    const plan = dev.resources.map((r) =>
      r.type === "azure-native:web:AppServicePlan"
        ? { ...r, inputs: { ...r.inputs, sku: { name: "S1", tier: "Standard", capacity: 1 } } }
        : r,
    );
    const e = estimateCost(plan, parseConfig(rawOf("dev")).cost, table, NOW);
    expect(e.unpriced).toEqual([
      {
        urn: expect.stringContaining("AppServicePlan") as string,
        name: "asp-acsplat-token-dev-weu",
        type: "azure-native:web:AppServicePlan",
        what: "S1 × 1 instance",
        reason: table.rows.find((r) => r.id === "appservice-linux-other")!.reason,
      },
    ]);
  });
});

/** The stack's raw config values (as the program receives them). */
function rawOf(stack: string): Record<string, unknown> {
  const doc = parseYaml(yamlOf(stack)) as { config: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config)
      .filter(([k]) => k.startsWith("acs-platform:"))
      .map(([k, v]) => [k.slice("acs-platform:".length), v]),
  );
}

/** The billable resources of each stack (a fixed or usage line each): a new one must be priced to pass. */
const DEV_BILLABLE = [
  "communication:CommunicationService acsplat-communication-acs",
  "communication:EmailService acsplat-communication-email",
  "eventgrid:SystemTopic evgt-acsplat-acs-dev-weu",
  "keyvault:Vault kv-acsplat-dev-weu-8tufq",
  "monitor:MetricAlert alert-acsplat-dev-acs-auth429",
  "monitor:MetricAlert alert-acsplat-dev-acs-auth5xx",
  "monitor:MetricAlert alert-acsplat-dev-acs-chat5xx",
  "monitor:MetricAlert alert-acsplat-dev-email-delivery-failures",
  "monitor:MetricAlert alert-acsplat-dev-email-hard-bounces",
  "monitor:MetricAlert alert-acsplat-dev-event-grid-dead-lettered",
  "monitor:MetricAlert alert-acsplat-dev-event-grid-delivery-failed",
  "monitor:MetricAlert alert-acsplat-dev-web-app-health",
  "monitor:MetricAlert alert-acsplat-dev-web-app5xx",
  "monitor:ScheduledQueryRule alert-acsplat-dev-token-issuance-failures-log",
  "monitor:ScheduledQueryRule alert-acsplat-dev-workspace-daily-cap-reached",
  "operationalinsights:Workspace log-acsplat-dev-weu",
  "web:AppServicePlan asp-acsplat-token-dev-weu",
];
const PROD_BILLABLE = [
  "communication:CommunicationService acsplat-communication-acs",
  "communication:EmailService acsplat-communication-email",
  "eventgrid:SystemTopic evgt-acsplat-acs-prod-weu",
  "keyvault:Vault kv-acotw6-prod-weu-pmnwl",
  "monitor:MetricAlert alert-acsplat-prod-acs-auth429",
  "monitor:MetricAlert alert-acsplat-prod-acs-auth5xx",
  "monitor:MetricAlert alert-acsplat-prod-acs-chat5xx",
  "monitor:MetricAlert alert-acsplat-prod-email-delivery-failures",
  "monitor:MetricAlert alert-acsplat-prod-email-hard-bounces",
  "monitor:MetricAlert alert-acsplat-prod-event-grid-dead-lettered",
  "monitor:MetricAlert alert-acsplat-prod-event-grid-delivery-failed",
  "monitor:MetricAlert alert-acsplat-prod-web-app-health",
  "monitor:MetricAlert alert-acsplat-prod-web-app5xx",
  "monitor:ScheduledQueryRule alert-acsplat-prod-token-issuance-failures-log",
  "monitor:ScheduledQueryRule alert-acsplat-prod-workspace-daily-cap-reached",
  "network:NatGateway ng-acsplat-prod-weu",
  "network:PrivateEndpoint pep-acsplat-vault-prod-weu",
  "network:PublicIPAddress pip-acsplat-nat-z123-prod-weu",
  "operationalinsights:Workspace log-acsplat-prod-weu",
  "privatedns:PrivateZone privatelink.vaultcore.azure.net",
  "web:AppServicePlan asp-acsplat-token-prod-weu",
];

describe("the stacks' estimates", () => {
  it("dev: B1 and the alert rules fixed; chat, email, Log Analytics at its 1 GB/day cap, Event Grid, Key Vault from the profile", async () => {
    const report = await buildReport(dev, { cost: { now: NOW } });
    const e = report.cost!.estimate;
    expect(e.fixed.find((l) => l.type === "azure-native:web:AppServicePlan")).toMatchObject({
      name: "asp-acsplat-token-dev-weu",
      what: "B1 × 1 instance",
      quantity: 730,
      unitPrice: 0.017,
      monthly: 12.41,
    });
    expect(e.usage.map((l) => [l.meter, l.quantity, l.monthly, l.lifecycle ?? null])).toEqual([
      ["acs-email-message", 1000, 0.25, "retires 2028-09-30"],
      ["acs-email-mb", 48.83, 0.01, "retires 2028-09-30"],
      ["log-analytics-ingestion", 30.42, 90.96, null],
      ["keyvault-operations", 1, 0.03, null],
      ["acs-chat-message", 2000, 1.6, "retires 2028-09-30"],
      ["eventgrid-operations", 0, 0, null],
    ]);
    expect(report.exitCode).toBe(0);
  });
  it("prod: two P1v3, NAT gateway and its IP, the private endpoint and zone; Log Analytics at its 10 GB/day cap with 365-day retention", async () => {
    const report = await buildReport(prod, { cost: { now: NOW } });
    const e = report.cost!.estimate;
    const fixedByMeter = Object.fromEntries(e.fixed.filter((l) => !l.meter.includes("alert")).map((l) => [l.meter, l.monthly]));
    expect(fixedByMeter).toEqual({
      "appservice-linux-P1v3": 226.3,
      "nat-gateway-hour": 32.85,
      "public-ip-static-standard": 3.65,
      "private-endpoint-hour": 7.3,
      "private-dns-zone": 0.5,
    });
    const la = e.usage.filter((l) => l.meter.startsWith("log-analytics"));
    expect(la.map((l) => [l.what, l.monthly])).toEqual([
      ["GB ingested (10 GB/day at the daily cap)", 909.47],
      ["GB retained beyond 31 days (365-day retention, steady state)", 434.2],
    ]);
    expect(e.usage.find((l) => l.meter === "acs-sms-US")).toMatchObject({ quantity: 10000, monthly: 100, lifecycle: "retires 2028-09-30" });
    // Prod's ceiling is its budget, advisory: the estimate is above it, so one advisory result and the plan passes.
    const results = report.policy.results.filter((r) => r.policy === COST_CEILING_POLICY);
    expect(results.map((r) => r.level)).toEqual(["advisory"]);
    expect(report.exitCode).toBe(0);
  });
});

describe("--compare: the delta of the plan alone", () => {
  let baselineFile: string;
  beforeAll(async () => {
    baselineFile = path.join(tmp, "dev-plan.json");
    fs.writeFileSync(baselineFile, renderJson(await buildReport(dev)));
  });
  it("dev B1 → P1v3 shows +$100.74 per month on the plan, in text, JSON and markdown", async () => {
    const file = configFile("dev-p1v3", yamlOf("dev").replace("      skuName: B1\n", "      skuName: P1v3\n"));
    const changed = await evaluateStack({ stack: "dev", configFile: file });
    const report = await buildReport(changed, { stackConfigFile: file, baseline: loadBaseline(baselineFile), cost: { now: NOW } });
    const cmp = report.cost!.comparison!;
    expect(cmp.fixedDelta).toBe(100.74);
    expect(cmp.deltas.map((d) => [d.name, d.before, d.after, d.delta, d.change])).toEqual([
      ["asp-acsplat-token-dev-weu", 12.41, 113.15, 100.74, "B1 × 1 instance → P1v3 × 1 instance"],
    ]);
    expect(renderText(report)).toContain("    +$100.74 per month: asp-acsplat-token-dev-weu B1 × 1 instance → P1v3 × 1 instance");
    expect(renderMarkdown(report)).toContain("| +$100.74 | `asp-acsplat-token-dev-weu` | B1 × 1 instance → P1v3 × 1 instance |");
    const json = JSON.parse(renderJson(report)) as { cost: { comparison: { fixedDelta: number; deltas: Array<{ delta: number }> } } };
    expect(json.cost.comparison.fixedDelta).toBe(100.74);
    expect(json.cost.comparison.deltas.map((d) => d.delta)).toEqual([100.74]);
  });
  it("an added email domain with senders has no fixed delta and says email is usage-priced", async () => {
    const file = configFile(
      "dev-domain",
      yamlOf("dev").replace(
        "      - kind: AzureManaged\n",
        "      - kind: AzureManaged\n      - kind: CustomerManaged\n        domainName: mail.contoso.com\n        verified: true\n        sendingLimitsRaised: true\n        senders:\n          - username: alerts\n            displayName: Alerts\n",
      ),
    );
    const changed = await evaluateStack({ stack: "dev", configFile: file });
    const report = await buildReport(changed, { stackConfigFile: file, baseline: loadBaseline(baselineFile), cost: { now: NOW } });
    const cmp = report.cost!.comparison!;
    expect(cmp.fixedDelta).toBe(0);
    expect(cmp.deltas).toEqual([]);
    expect(cmp.addedWithoutFixed.map((a) => [a.type, a.note])).toEqual([
      ["azure-native:communication:Domain", "no charge of its own: email is usage-priced per message and MB on the Email service"],
      ["azure-native:communication:SenderUsername", "no charge of its own: email is usage-priced per message and MB on the Email service"],
    ]);
    expect(renderText(report)).toContain("  Against the baseline: +$0.00 per month fixed");
    expect(renderMarkdown(report)).toContain("email is usage-priced per message and MB");
  });
});

describe("the price-age warning follows the clock", () => {
  const table: PriceTable = parsePriceTable(
    {
      currency: "USD",
      updated: "2026-01-01",
      rows: [
        {
          id: "appservice-linux-B1",
          service: "s",
          meter: "m",
          unitOfMeasure: "1 Hour",
          price: 0.017,
          region: "westeurope",
          asOf: "2026-01-01",
          source: "https://example.org/x",
        },
      ],
    },
    "fake.json",
  );
  const plan = () => dev.resources.filter((r) => r.type === "azure-native:web:AppServicePlan");
  const cost = costConfigSchema.parse({});
  it("180 days after the price's date: no warning; 181 days: the warning naming the date", () => {
    expect(estimateCost(plan(), cost, table, new Date("2026-06-30T23:00:00Z")).stale).toEqual({ meters: [] });
    expect(estimateCost(plan(), cost, table, new Date("2026-07-01T00:00:00Z")).stale).toEqual({
      meters: ["appservice-linux-B1"],
      warning:
        "1 price used is older than 180 days or undated (oldest 2026-01-01): list prices change; run `npm run prices:update` to refresh the table from the Azure Retail Prices API",
    });
  });
  it("the plan shows the warning in text and markdown when the clock is past it", async () => {
    const file = path.join(tmp, "fresh.json");
    fs.writeFileSync(file, JSON.stringify(table));
    const fresh = await buildReport(dev, { cost: { now: new Date("2026-02-01T00:00:00Z"), pricesFile: file } });
    expect(renderText(fresh)).not.toContain("WARNING: 1 price");
    const old = await buildReport(dev, { cost: { now: new Date("2027-01-01T00:00:00Z"), pricesFile: file } });
    expect(renderText(old)).toContain("  WARNING: 1 price used is older than 180 days or undated (oldest 2026-01-01)");
    expect(renderMarkdown(old)).toContain("> 1 price used is older than 180 days");
  });
});

describe("the cost policy", () => {
  it("a mandatory ceiling below prod's estimate fails the plan, naming the three largest contributors, in text and SARIF", async () => {
    const file = configFile(
      "prod-ceiling",
      yamlOf("prod").replace("      amount: budget\n      enforcement: advisory\n", "      amount: 500\n      enforcement: mandatory\n"),
    );
    const report = await buildReport(prod, { stackConfigFile: file, cost: { now: NOW } });
    expect(report.exitCode).toBe(1);
    const [r] = report.policy.results.filter((x) => x.policy === COST_CEILING_POLICY);
    expect(r!.level).toBe("mandatory");
    expect(r!.message).toBe(
      `prod: estimated $${report.cost!.estimate.total.toLocaleString("en-US", { minimumFractionDigits: 2 })} per month (fixed $274.50, usage $${report.cost!.estimate.usageTotal.toLocaleString("en-US", { minimumFractionDigits: 2 })}) ` +
        `exceeds the ceiling of $500.00 (cost.ceiling.amount "500") by $${(report.cost!.estimate.total - 500).toLocaleString("en-US", { minimumFractionDigits: 2 })}. ` +
        "Largest contributors: log-acsplat-prod-weu GB ingested (10 GB/day at the daily cap) $909.47; " +
        "log-acsplat-prod-weu GB retained beyond 31 days (365-day retention, steady state) $434.20; asp-acsplat-token-prod-weu P1v3 × 2 instances $226.30.",
    );
    const sarif = JSON.parse(renderSarif(report)) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string }> } };
        results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }>;
      }>;
    };
    expect(sarif.runs[0]!.tool.driver.rules.map((x) => x.id)).toContain(COST_CEILING_POLICY);
    const sarifResults = sarif.runs[0]!.results.filter((x) => x.ruleId === COST_CEILING_POLICY);
    expect(sarifResults.map((x) => x.level)).toEqual(["error"]);
    // On the ceiling's line of the stack config, not its first line.
    const line = fs.readFileSync(file, "utf8").split("\n").indexOf("      amount: 500") + 1;
    expect(sarifResults[0]!.locations[0]!.physicalLocation.region.startLine).toBe(line);
  });
  it("a ceiling above the estimate gives no result", async () => {
    const file = configFile("prod-high", yamlOf("prod").replace("      amount: budget\n", "      amount: 5000\n"));
    const report = await buildReport(prod, { stackConfigFile: file, cost: { now: NOW } });
    expect(report.policy.results.filter((x) => x.policy === COST_CEILING_POLICY)).toEqual([]);
  });
});

describe("the usage profile is validated", () => {
  it("Log Analytics usage above the daily cap names the key and the cap", () => {
    const raw = { ...rawOf("dev"), cost: { usage: { logAnalyticsGbPerDay: 2 } } };
    expect(() => parseConfig(raw)).toThrow(StackConfigError);
    expect(() => parseConfig(raw)).toThrow(
      "acs-platform:cost.usage.logAnalyticsGbPerDay must be at most logAnalytics.dailyQuotaGb (1): ingestion stops at the cap; got 2",
    );
  });
  it("a budget ceiling without a budget, an unknown usage key, a bad country code", () => {
    const { alerts: _alerts, ...noBudget } = rawOf("dev");
    expect(() => parseConfig({ ...noBudget, cost: { ceiling: { amount: "budget" } } })).toThrow(
      'acs-platform:cost.ceiling.amount is "budget" but alerts.budget is not set; give a number or set alerts.budget',
    );
    expect(() => parseConfig({ ...rawOf("dev"), cost: { usage: { smsPerMonth: 1 } } })).toThrow(
      "acs-platform:cost.usage has unknown key(s) smsPerMonth; accepted keys: chatMessagesPerMonth",
    );
    expect(() => parseConfig({ ...rawOf("dev"), cost: { usage: { smsSegmentsPerMonth: { usa: 1 } } } })).toThrow(
      "acs-platform:cost.usage.smsSegmentsPerMonth",
    );
  });
  it("defaults: zero usage, 50 KB emails, Log Analytics at the cap, no ceiling", () => {
    expect(costConfigSchema.parse(undefined)).toEqual({
      usage: {
        chatMessagesPerMonth: 0,
        emailsPerMonth: 0,
        emailSizeKb: 50,
        smsSegmentsPerMonth: {},
        tollFreeNumbers: 0,
        callingMinutesPerMonth: 0,
        natGbPerMonth: 0,
        privateEndpointGbPerMonth: 0,
        eventGridOperationsPerMonth: 0,
        keyVaultOperationsPerMonth: 0,
      },
    });
  });
});
