// Tests for the stack policies (diagnostic settings, action group receivers, alert coverage): a compliant stack
// passes; removing one resource or link reports the exact message against the right URN.
import { describe, expect, it } from "vitest";
import { monitorActiongroupMissingReceiver } from "../../policies/monitor-actiongroup-missing-receiver";
import { monitorAlertsMissingCoverage } from "../../policies/monitor-alerts-missing-coverage";
import { monitorDiagnosticsMissingDiagnosticSetting } from "../../policies/monitor-diagnostics-missing-diagnostic-setting";
import { res, runStack, urnOf, UNKNOWN } from "./helpers";

const T = {
  acs: "azure-native:communication:CommunicationService",
  vault: "azure-native:keyvault:Vault",
  webApp: "azure-native:web:WebApp",
  topic: "azure-native:eventgrid:SystemTopic",
  storage: "azure-native:storage:StorageAccount",
  workspace: "azure-native:operationalinsights:Workspace",
  diag: "azure-native:monitor:DiagnosticSetting",
  ag: "azure-native:monitor:ActionGroup",
  metric: "azure-native:monitor:MetricAlert",
  query: "azure-native:monitor:ScheduledQueryRule",
};
const ws = urnOf(T.workspace, "log");
const diag = (name: string, target: string, logs: unknown[] = [{ categoryGroup: "allLogs", enabled: true }]) =>
  res(
    T.diag,
    name,
    {
      resourceUri: `/id/${name}`,
      workspaceId: "/subscriptions/s/workspaces/log",
      logs,
      metrics: [{ category: "AllMetrics", enabled: true }],
    },
    [target, ws],
  );

function stack() {
  return [
    res(T.workspace, "log", { retentionInDays: 30 }),
    res(T.acs, "acs", { dataLocation: "Europe", location: "global" }),
    res(T.vault, "kv", { properties: {} }),
    res(T.webApp, "app", { httpsOnly: true }),
    res(T.topic, "topic", { topicType: "Microsoft.Communication.CommunicationServices" }, [urnOf(T.acs, "acs")]),
    res(T.storage, "st", { kind: "StorageV2" }),
    diag("acs-diag", urnOf(T.acs, "acs")),
    diag("kv-diag", urnOf(T.vault, "kv"), [{ categoryGroup: "audit", enabled: true }]),
    diag("app-diag", urnOf(T.webApp, "app")),
    diag("topic-diag", urnOf(T.topic, "topic")),
    diag("st-diag", urnOf(T.storage, "st"), []),
    res(T.ag, "ag", { enabled: true, groupShortName: "acsplat", emailReceivers: [{ name: "oncall", emailAddress: "a@b.c" }] }),
    res(
      T.metric,
      "token-failures",
      {
        enabled: true,
        scopes: ["/acs"],
        criteria: {
          odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
          allOf: [
            {
              metricName: "APIRequestAuthentication",
              name: "c",
              operator: "GreaterThan",
              threshold: 0,
              timeAggregation: "Count",
              criterionType: "StaticThresholdCriterion",
            },
          ],
        },
        actions: [{ actionGroupId: "/ag" }],
      },
      [urnOf(T.acs, "acs"), urnOf(T.ag, "ag")],
    ),
    res(
      T.metric,
      "app-5xx",
      { enabled: true, scopes: ["/app"], criteria: { allOf: [{ metricName: "Http5xx" }] }, actions: [{ actionGroupId: "/ag" }] },
      [urnOf(T.webApp, "app"), urnOf(T.ag, "ag")],
    ),
  ];
}
const without = (name: string) => stack().filter((r) => r.name !== name);

describe("monitor-diagnostics-missing-diagnostic-setting", () => {
  const p = monitorDiagnosticsMissingDiagnosticSetting;
  it("passes a stack where every target has a setting", async () => {
    expect((await runStack(p, stack())).messages).toEqual([]);
  });
  it.each([
    [
      "acs-diag",
      "azure-native:communication:CommunicationService 'acs' has no diagnostic setting that sends to a Log Analytics workspace.",
      urnOf(T.acs, "acs"),
    ],
    [
      "kv-diag",
      "azure-native:keyvault:Vault 'kv' has no diagnostic setting that sends to a Log Analytics workspace.",
      urnOf(T.vault, "kv"),
    ],
    [
      "app-diag",
      "azure-native:web:WebApp 'app' has no diagnostic setting that sends to a Log Analytics workspace.",
      urnOf(T.webApp, "app"),
    ],
    [
      "topic-diag",
      "azure-native:eventgrid:SystemTopic 'topic' has no diagnostic setting that sends to a Log Analytics workspace.",
      urnOf(T.topic, "topic"),
    ],
    [
      "st-diag",
      "azure-native:storage:StorageAccount 'st' has no diagnostic setting that sends to a Log Analytics workspace.",
      urnOf(T.storage, "st"),
    ],
  ])("reports a missing %s against its target", async (name, message, urn) => {
    const r = await runStack(p, without(name));
    expect(r.results.map((x) => [x.message, x.urn])).toEqual([[message, urn]]);
  });
  it("reports a setting that sends elsewhere than a workspace", async () => {
    const resources = stack().map((r) =>
      r.name === "app-diag" ? { ...r, inputs: { ...r.inputs, workspaceId: undefined, storageAccountId: "/st" } } : r,
    );
    expect((await runStack(p, resources)).messages).toEqual([
      "azure-native:web:WebApp 'app' has no diagnostic setting that sends to a Log Analytics workspace.",
    ]);
  });
  it("reports a vault setting without audit logs", async () => {
    const resources = without("kv-diag").concat([
      diag("kv-diag", urnOf(T.vault, "kv"), [{ category: "AzurePolicyEvaluationDetails", enabled: true }]),
    ]);
    expect((await runStack(p, resources)).messages).toEqual([
      "Key Vault 'kv' has no diagnostic setting with audit logs (AuditEvent, audit or allLogs).",
    ]);
  });
  it("is not applicable to a stack with no target type", async () => {
    expect((await runStack(p, [res(T.workspace, "log", {})])).notApplicable).toBe(true);
  });
  it("an unknown workspace id is an advisory preview diagnostic", async () => {
    const resources = stack().map((r) => (r.name === "app-diag" ? { ...r, inputs: { ...r.inputs, workspaceId: UNKNOWN.string } } : r));
    const r = await runStack(p, resources);
    expect(r.results.map((x) => [x.level, x.kind])).toEqual([["advisory", "unknown"]]);
  });
});

describe("monitor-actiongroup-missing-receiver", () => {
  const p = monitorActiongroupMissingReceiver;
  it("passes with an email receiver", async () => {
    expect((await runStack(p, stack())).messages).toEqual([]);
  });
  it("reports no action group", async () => {
    expect((await runStack(p, without("ag"))).messages).toEqual(["The stack has no action group."]);
  });
  it("reports a group without receivers, against its URN", async () => {
    const resources = stack().map((r) =>
      r.name === "ag" ? { ...r, inputs: { enabled: true, groupShortName: "x", emailReceivers: [] } } : r,
    );
    const r = await runStack(p, resources);
    expect(r.results.map((x) => [x.message, x.urn])).toEqual([["Action group 'ag' is disabled or has no receivers.", urnOf(T.ag, "ag")]]);
  });
});

describe("monitor-alerts-missing-coverage", () => {
  const p = monitorAlertsMissingCoverage;
  it("passes a stack with a token-failure alert and a web app alert", async () => {
    expect((await runStack(p, stack())).messages).toEqual([]);
  });
  it("reports missing token-failure coverage", async () => {
    expect((await runStack(p, without("token-failures"))).messages).toEqual([
      "No alert covers ACS token failures (a MetricAlert on APIRequestAuthentication scoped to the Communication Service, or a ScheduledQueryRule over ACSAuthIncomingOperations).",
    ]);
  });
  it("accepts a log query over ACSAuthIncomingOperations instead", async () => {
    const query = res(
      T.query,
      "token-query",
      { criteria: { allOf: [{ query: "ACSAuthIncomingOperations | where ResultSignature >= 400" }] }, actions: { actionGroups: ["/ag"] } },
      [ws],
    );
    expect((await runStack(p, without("token-failures").concat([query]))).messages).toEqual([]);
  });
  it("reports missing web app coverage", async () => {
    expect((await runStack(p, without("app-5xx"))).messages).toEqual([
      "No alert is scoped to the web app or its Application Insights component.",
    ]);
  });
  it("reports an alert that notifies nobody", async () => {
    const resources = stack().map((r) => (r.name === "app-5xx" ? { ...r, inputs: { ...r.inputs, actions: [] } } : r));
    const r = await runStack(p, resources);
    expect(r.results.map((x) => [x.message, x.urn])).toEqual([["Alert 'app-5xx' notifies no action group.", urnOf(T.metric, "app-5xx")]]);
  });
  it("the metric name is a knob", async () => {
    expect((await runStack(p, stack(), { tokenFailureMetric: "ApiRequests" })).messages).toEqual([
      "No alert covers ACS token failures (a MetricAlert on ApiRequests scoped to the Communication Service, or a ScheduledQueryRule over ACSAuthIncomingOperations).",
    ]);
  });
  it("is not applicable to a stack with neither ACS nor a web app nor alerts", async () => {
    expect((await runStack(p, [res(T.workspace, "log", {})])).notApplicable).toBe(true);
  });
});
