// Tests of Alerts (under the plan harness) and its pure definitions: metric names, namespaces, dimensions and operators exactly as Azure
// defines them, every alert on the action group, per-environment defaults and config validation of thresholds.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Alerts, alertRuleName } from "../../../components/alerts";
import { alertSettingsProblems, alertsConfigSchema, defaultAlertSettings, resolveAlertSettings } from "../../../components/alerts/config";
import { ALERT_KEYS } from "../../../components/alerts/definitions";
import { evaluateProgram } from "../../../tools/plan/harness";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/plan/mocks";
import type { PlanResult } from "../../../tools/plan/types";
import { ofType, only } from "../../support/plan";

const rg = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-test`;
const ids = {
  communicationService: `${rg}/providers/Microsoft.Communication/communicationServices/acs`,
  eventGridSystemTopic: `${rg}/providers/Microsoft.EventGrid/systemTopics/evgt`,
  webApp: `${rg}/providers/Microsoft.Web/sites/app`,
  workspace: `${rg}/providers/Microsoft.OperationalInsights/workspaces/log`,
};
const actionGroupId = `${rg}/providers/Microsoft.Insights/actionGroups/ag`;
const naming = { app: "acs", env: "prod", region: "westeurope", suffix: "abcde" };

let plan: PlanResult;

beforeAll(async () => {
  const config = alertsConfigSchema.parse({
    rules: { webApp5xx: { threshold: 3 } },
    budget: { amount: 500, startDate: "2026-11-01", contactEmails: ["finops@contoso.com"] },
  });
  plan = await evaluateProgram(
    () => {
      new Alerts("alerts", {
        naming,
        resourceGroupName: "rg-test",
        location: "westeurope",
        tags: { env: "prod" },
        actionGroupId,
        targets: ids,
        settings: resolveAlertSettings("prod", config),
        budget: config.budget === undefined ? undefined : { ...config.budget, resourceGroupId: rg },
      });
    },
    { project: "acs-platform", stack: "test" },
  );
});

/** The single criterion of the metric alert `key`. */
function criterion(key: string): Record<string, unknown> {
  const alert = only(plan, "azure-native:monitor:MetricAlert", `alerts-${key}`);
  const criteria = alert.inputs["criteria"] as { odataType: string; allOf: Array<Record<string, unknown>> };
  expect(criteria.odataType).toBe("Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria");
  expect(criteria.allOf).toHaveLength(1);
  return criteria.allOf[0] as Record<string, unknown>;
}

describe("Alerts", () => {
  it("declares nine metric alerts, two log alerts and one budget", () => {
    expect(ofType(plan, "azure-native:monitor:MetricAlert")).toHaveLength(9);
    expect(ofType(plan, "azure-native:monitor:ScheduledQueryRule").map((r) => r.name)).toEqual([
      "alerts-tokenIssuanceFailuresLog",
      "alerts-workspaceDailyCapReached",
    ]);
    expect(ofType(plan, "azure-native:costmanagement:Budget")).toHaveLength(1);
  });

  it("sends every alert to the action group", () => {
    const metricAlerts = ofType(plan, "azure-native:monitor:MetricAlert");
    expect(metricAlerts.map((a) => a.inputs["actions"])).toEqual(metricAlerts.map(() => [{ actionGroupId }]));
    expect(metricAlerts).toHaveLength(9);
    for (const rule of ofType(plan, "azure-native:monitor:ScheduledQueryRule"))
      expect(rule.inputs["actions"]).toEqual({ actionGroups: [actionGroupId] });
  });

  it.each([
    [
      "acsAuth5xx",
      "Microsoft.Communication/CommunicationServices",
      "APIRequestAuthentication",
      "Count",
      "GreaterThan",
      [{ name: "StatusCodeClass", operator: "Include", values: ["5xx"] }],
    ],
    [
      "acsAuth429",
      "Microsoft.Communication/CommunicationServices",
      "APIRequestAuthentication",
      "Count",
      "GreaterThan",
      [{ name: "StatusCode", operator: "Include", values: ["429"] }],
    ],
    [
      "acsChat5xx",
      "Microsoft.Communication/CommunicationServices",
      "APIRequestChat",
      "Count",
      "GreaterThan",
      [{ name: "StatusCodeClass", operator: "Include", values: ["5xx"] }],
    ],
    [
      "emailDeliveryFailures",
      "Microsoft.Communication/CommunicationServices",
      "DeliveryStatusUpdate",
      "Count",
      "GreaterThan",
      [{ name: "Result", operator: "Include", values: ["Failure"] }],
    ],
    [
      "emailHardBounces",
      "Microsoft.Communication/CommunicationServices",
      "DeliveryStatusUpdate",
      "Count",
      "GreaterThan",
      [{ name: "IsHardBounce", operator: "Include", values: ["True"] }],
    ],
    ["eventGridDeadLettered", "Microsoft.EventGrid/systemTopics", "DeadLetteredCount", "Total", "GreaterThan", []],
    ["eventGridDeliveryFailed", "Microsoft.EventGrid/systemTopics", "DeliveryAttemptFailCount", "Total", "GreaterThan", []],
    ["webApp5xx", "Microsoft.Web/sites", "Http5xx", "Total", "GreaterThan", []],
    ["webAppHealth", "Microsoft.Web/sites", "HealthCheckStatus", "Average", "LessThan", []],
  ])("%s watches %s %s (%s, %s) with the exact dimensions", (key, namespace, metric, aggregation, operator, dimensions) => {
    expect(criterion(key)).toMatchObject({
      criterionType: "StaticThresholdCriterion",
      name: key,
      metricNamespace: namespace,
      metricName: metric,
      timeAggregation: aggregation,
      operator,
    });
    expect(criterion(key).dimensions ?? []).toEqual(dimensions);
  });

  it("scopes each alert to the resource it watches", () => {
    expect(only(plan, "azure-native:monitor:MetricAlert", "alerts-acsAuth5xx").inputs["scopes"]).toEqual([ids.communicationService]);
    expect(only(plan, "azure-native:monitor:MetricAlert", "alerts-eventGridDeadLettered").inputs["scopes"]).toEqual([
      ids.eventGridSystemTopic,
    ]);
    expect(only(plan, "azure-native:monitor:MetricAlert", "alerts-webAppHealth").inputs["scopes"]).toEqual([ids.webApp]);
    for (const rule of ofType(plan, "azure-native:monitor:ScheduledQueryRule")) expect(rule.inputs["scopes"]).toEqual([ids.workspace]);
  });

  it("applies prod defaults and overrides", () => {
    const fiveXx = only(plan, "azure-native:monitor:MetricAlert", "alerts-webApp5xx");
    expect(fiveXx.inputs).toMatchObject({
      ruleName: "alert-acs-prod-web-app5xx",
      severity: 1,
      windowSize: "PT5M",
      evaluationFrequency: "PT1M",
      location: "global",
      enabled: true,
    });
    expect(criterion("webApp5xx").threshold).toBe(3);
    expect(criterion("eventGridDeadLettered").threshold).toBe(0);
    expect(criterion("webAppHealth").threshold).toBe(100);
  });

  it("queries failed token operations in ACSAuthIncomingOperations, without validating the query at creation", () => {
    const rule = only(plan, "azure-native:monitor:ScheduledQueryRule", "alerts-tokenIssuanceFailuresLog");
    // The table appears with the first ACS logs; a new workspace would answer "SEM0100 Failed to resolve table".
    expect(rule.inputs).toMatchObject({
      location: "westeurope",
      severity: 2,
      windowSize: "PT15M",
      evaluationFrequency: "PT5M",
      skipQueryValidation: true,
    });
    const cond = (rule.inputs["criteria"] as { allOf: Array<Record<string, unknown>> }).allOf[0];
    expect(cond).toMatchObject({
      timeAggregation: "Count",
      operator: "GreaterThan",
      threshold: 5,
      failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
    });
    expect(String(cond?.query)).toMatch(/^ACSAuthIncomingOperations\n/);
    expect(String(cond?.query)).toContain("StatusCode >= 500 or StatusCode == 429");
  });

  it("alerts when the workspace reaches its daily cap (ingestion stops silently otherwise), with Learn's query", () => {
    const rule = only(plan, "azure-native:monitor:ScheduledQueryRule", "alerts-workspaceDailyCapReached");
    expect(rule.inputs).toMatchObject({
      ruleName: "alert-acs-prod-workspace-daily-cap-reached",
      severity: 2,
      windowSize: "PT5M",
      evaluationFrequency: "PT5M",
      skipQueryValidation: true,
    });
    expect((rule.inputs["criteria"] as { allOf: Array<Record<string, unknown>> }).allOf).toEqual([
      {
        query: '_LogOperation | where Category =~ "Ingestion" | where Detail contains "OverQuota"',
        timeAggregation: "Count",
        operator: "GreaterThan",
        threshold: 0,
        failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
      },
    ]);
  });

  it("keeps the deployed budget start date on later runs (ignoreChanges), so a new month replaces nothing", () => {
    expect(only(plan, "azure-native:costmanagement:Budget").options.ignoreChanges).toEqual(["timePeriod.startDate"]);
  });

  it("budgets the resource group monthly with its own notifications", () => {
    expect(only(plan, "azure-native:costmanagement:Budget").inputs).toMatchObject({
      scope: rg,
      category: "Cost",
      amount: 500,
      timeGrain: "Monthly",
      timePeriod: { startDate: "2026-11-01T00:00:00Z" },
      notifications: {
        actual: {
          enabled: true,
          operator: "GreaterThan",
          threshold: 80,
          thresholdType: "Actual",
          contactEmails: ["finops@contoso.com"],
          contactGroups: [actionGroupId],
        },
        forecast: {
          enabled: true,
          operator: "GreaterThan",
          threshold: 100,
          thresholdType: "Forecasted",
          contactEmails: ["finops@contoso.com"],
          contactGroups: [actionGroupId],
        },
      },
    });
  });
});

describe("budget start date without a configured one", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  it.each([
    ["2027-03-31T23:30:00Z", "2027-03-01T00:00:00Z"],
    ["2027-04-01T00:00:00Z", "2027-04-01T00:00:00Z"],
  ])("at %s starts on %s, the first day of that month", async (now, expected) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(now));
    const config = alertsConfigSchema.parse({ budget: { amount: 500, contactEmails: ["finops@contoso.com"] } });
    const result = await evaluateProgram(
      () =>
        void new Alerts("alerts", {
          naming,
          resourceGroupName: "rg-test",
          location: "westeurope",
          tags: {},
          actionGroupId,
          targets: ids,
          settings: resolveAlertSettings("prod", config),
          budget: config.budget === undefined ? undefined : { ...config.budget, resourceGroupId: rg },
        }),
      { project: "acs-platform", stack: "test" },
    );
    expect(only(result, "azure-native:costmanagement:Budget").inputs["timePeriod"]).toEqual({ startDate: expected });
  });
});

describe("alert settings", () => {
  it("keeps dev quieter than prod for every alert", () => {
    const dev = defaultAlertSettings("dev");
    const prod = defaultAlertSettings("prod");
    for (const key of ALERT_KEYS) {
      expect(dev[key].severity, key).toBeGreaterThanOrEqual(prod[key].severity);
      if (key !== "webAppHealth") expect(dev[key].threshold, key).toBeGreaterThanOrEqual(prod[key].threshold);
    }
    expect(dev.webAppHealth.threshold).toBeLessThan(prod.webAppHealth.threshold);
  });

  it("accepts the defaults of both environments", () => {
    expect(alertSettingsProblems(defaultAlertSettings("dev"))).toEqual([]);
    expect(alertSettingsProblems(defaultAlertSettings("prod"))).toEqual([]);
  });

  it.each([
    [
      { webAppHealth: { threshold: 150 } },
      ["rules", "webAppHealth", "threshold"],
      "must be greater than 0 and at most 100 (percent of healthy instances); got 150",
    ],
    [
      { webAppHealth: { threshold: 0 } },
      ["rules", "webAppHealth", "threshold"],
      "must be greater than 0 and at most 100 (percent of healthy instances); got 0",
    ],
    [
      { acsAuth5xx: { windowSize: "PT1M", evaluationFrequency: "PT5M" } },
      ["rules", "acsAuth5xx", "evaluationFrequency"],
      "(PT5M) must not be longer than windowSize (PT1M)",
    ],
  ])("names the impossible setting %j", (rules, path, message) => {
    const settings = resolveAlertSettings("prod", alertsConfigSchema.parse({ rules }));
    expect(alertSettingsProblems(settings)).toEqual([{ path, message }]);
  });

  it.each([
    [
      { rules: { acsAuth5xx: { threshold: -1 } } },
      ["rules", "acsAuth5xx", "threshold"],
      "threshold must be 0 or more (a count or a percentage)",
    ],
    [{ rules: { acsAuth5xx: { severity: 5 } } }, ["rules", "acsAuth5xx", "severity"], "severity must be an integer from 0 to 4"],
    [
      { budget: { amount: 10, startDate: "2026-11-01", contactEmails: ["not-an-address"] } },
      ["budget", "contactEmails", 0],
      "Invalid email address",
    ],
    [
      { budget: { amount: 10, startDate: "2026-11-15", contactEmails: ["a@b.com"] } },
      ["budget", "startDate"],
      "budget.startDate must be the first of a month, YYYY-MM-01",
    ],
  ])("rejects %j at %j", (input, path, message) => {
    const result = alertsConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual(path);
    expect(issue?.message).toBe(message);
  });

  it("names rules in kebab case", () => {
    expect(alertRuleName({ app: "acs", env: "dev" }, "tokenIssuanceFailuresLog")).toBe("alert-acs-dev-token-issuance-failures-log");
  });
});
