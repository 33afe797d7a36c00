// Pure alert definitions of the platform: which metric each alert watches (names, namespaces, dimensions and
// operators exactly as Azure Monitor defines them). The per-environment defaults and the `alerts` config schema
// that lets a stack tune thresholds, windows and severities are in ./config.ts.
//
// Sources (verified 2026-11-23):
// - ACS metrics: Microsoft Learn "Supported metrics for Microsoft.Communication/CommunicationServices" —
//   APIRequestAuthentication / APIRequestChat (Count; dims Operation, StatusCode, StatusCodeClass) and
//   Microsoft Learn "Email metrics overview" — DeliveryStatusUpdate (dims Result = Success|Failure, IsHardBounce = True on a hard bounce).
// - Event Grid: Azure Monitor Baseline Alerts `services/EventGrid/systemTopics/alerts.yaml` — DeadLetteredCount and
//   DeliveryAttemptFailCount, Total, GreaterThan 0, PT5M.
// - App Service: Azure Monitor Baseline Alerts `services/Web/sites/alerts.yaml` — Http5xx (Total, GreaterThan) and
//   HealthCheckStatus (Average, LessThan 100).
// - Log alert: Microsoft Learn table reference ACSAuthIncomingOperations (ResultSignature = HTTP status code);
//   scheduledQueryRules 2025-01-01-preview operators from Azure/bicep-types-az (Equals, GreaterThan, ...).

/** Which resource an alert watches. */
export type AlertTarget = "communicationService" | "eventGridSystemTopic" | "webApp";

/** A static-threshold metric alert, as Azure Monitor's `MetricCriteria` spells it. */
export interface MetricAlertDefinition {
  kind: "metric";
  /** Config key and resource-name part. */
  key: AlertKey;
  description: string;
  target: AlertTarget;
  metricNamespace: string;
  metricName: string;
  timeAggregation: "Count" | "Total" | "Average" | "Minimum" | "Maximum";
  operator: "GreaterThan" | "GreaterThanOrEqual" | "LessThan" | "LessThanOrEqual";
  dimensions: Array<{ name: string; operator: "Include" | "Exclude"; values: string[] }>;
}

/** A log search alert over the workspace. */
export interface LogAlertDefinition {
  kind: "log";
  key: AlertKey;
  description: string;
  query: string;
  timeAggregation: "Count";
  operator: "GreaterThan";
}

/** Every alert the platform defines. */
export const ALERT_KEYS = [
  "acsAuth5xx",
  "acsAuth429",
  "acsChat5xx",
  "emailDeliveryFailures",
  "emailHardBounces",
  "eventGridDeadLettered",
  "eventGridDeliveryFailed",
  "webApp5xx",
  "webAppHealth",
  "tokenIssuanceFailuresLog",
  "workspaceDailyCapReached",
] as const;

/** Key of one platform alert. */
export type AlertKey = (typeof ALERT_KEYS)[number];

const ACS = "Microsoft.Communication/CommunicationServices";
const SYSTEM_TOPICS = "Microsoft.EventGrid/systemTopics";
const SITES = "Microsoft.Web/sites";

/** The alert definitions; thresholds and timing come from AlertSettings. */
export const ALERT_DEFINITIONS: ReadonlyArray<MetricAlertDefinition | LogAlertDefinition> = [
  {
    kind: "metric",
    key: "acsAuth5xx",
    description: "Communication Services identity/token API requests failing with 5xx.",
    target: "communicationService",
    metricNamespace: ACS,
    metricName: "APIRequestAuthentication",
    timeAggregation: "Count",
    operator: "GreaterThan",
    dimensions: [{ name: "StatusCodeClass", operator: "Include", values: ["5xx"] }],
  },
  {
    kind: "metric",
    key: "acsAuth429",
    description: "Communication Services identity/token API requests throttled (429).",
    target: "communicationService",
    metricNamespace: ACS,
    metricName: "APIRequestAuthentication",
    timeAggregation: "Count",
    operator: "GreaterThan",
    dimensions: [{ name: "StatusCode", operator: "Include", values: ["429"] }],
  },
  {
    kind: "metric",
    key: "acsChat5xx",
    description: "Communication Services chat API requests failing with 5xx.",
    target: "communicationService",
    metricNamespace: ACS,
    metricName: "APIRequestChat",
    timeAggregation: "Count",
    operator: "GreaterThan",
    dimensions: [{ name: "StatusCodeClass", operator: "Include", values: ["5xx"] }],
  },
  {
    kind: "metric",
    key: "emailDeliveryFailures",
    description: "Email delivery status updates with Result=Failure.",
    target: "communicationService",
    metricNamespace: ACS,
    metricName: "DeliveryStatusUpdate",
    timeAggregation: "Count",
    operator: "GreaterThan",
    dimensions: [{ name: "Result", operator: "Include", values: ["Failure"] }],
  },
  {
    kind: "metric",
    key: "emailHardBounces",
    description: "Email deliveries that hard-bounced.",
    target: "communicationService",
    metricNamespace: ACS,
    metricName: "DeliveryStatusUpdate",
    timeAggregation: "Count",
    operator: "GreaterThan",
    dimensions: [{ name: "IsHardBounce", operator: "Include", values: ["True"] }],
  },
  {
    kind: "metric",
    key: "eventGridDeadLettered",
    description: "Events from Communication Services were dead-lettered.",
    target: "eventGridSystemTopic",
    metricNamespace: SYSTEM_TOPICS,
    metricName: "DeadLetteredCount",
    timeAggregation: "Total",
    operator: "GreaterThan",
    dimensions: [],
  },
  {
    kind: "metric",
    key: "eventGridDeliveryFailed",
    description: "Event Grid failed to deliver Communication Services events.",
    target: "eventGridSystemTopic",
    metricNamespace: SYSTEM_TOPICS,
    metricName: "DeliveryAttemptFailCount",
    timeAggregation: "Total",
    operator: "GreaterThan",
    dimensions: [],
  },
  {
    kind: "metric",
    key: "webApp5xx",
    description: "Token API responses with HTTP 5xx per window.",
    target: "webApp",
    metricNamespace: SITES,
    metricName: "Http5xx",
    timeAggregation: "Total",
    operator: "GreaterThan",
    dimensions: [],
  },
  {
    kind: "metric",
    key: "webAppHealth",
    description: "Token API health check (/healthz) below the healthy percentage.",
    target: "webApp",
    metricNamespace: SITES,
    metricName: "HealthCheckStatus",
    timeAggregation: "Average",
    operator: "LessThan",
    dimensions: [],
  },
  {
    kind: "log",
    key: "tokenIssuanceFailuresLog",
    description: "Failed Communication Services identity/token operations (5xx or 429) in ACSAuthIncomingOperations.",
    query: [
      "ACSAuthIncomingOperations",
      "| extend StatusCode = toint(ResultSignature)",
      "| where StatusCode >= 500 or StatusCode == 429",
      "| project TimeGenerated, OperationName, StatusCode, CorrelationId",
    ].join("\n"),
    timeAggregation: "Count",
    operator: "GreaterThan",
  },
  {
    kind: "log",
    key: "workspaceDailyCapReached",
    description:
      "The Log Analytics workspace reached its daily cap: ingestion, and every alert over its logs, stops until the daily reset.",
    // The query Microsoft documents for this alert: the cap event lands in the workspace's Operation table
    // (Learn "Set daily cap on Log Analytics workspace", https://learn.microsoft.com/azure/azure-monitor/logs/daily-cap).
    query: '_LogOperation | where Category =~ "Ingestion" | where Detail contains "OverQuota"',
    timeAggregation: "Count",
    operator: "GreaterThan",
  },
];
