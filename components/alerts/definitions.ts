// Pure alert definitions of the platform: which metric each alert watches (names, namespaces, dimensions and
// operators exactly as Azure Monitor defines them), per-environment defaults, and the `alerts` config schema that
// lets a stack tune thresholds, windows and severities without touching the definitions.
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
import { z } from "zod";

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

/** Window sizes Azure Monitor metric alerts accept. */
export const WINDOW_SIZES = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"] as const;
/** Evaluation frequencies Azure Monitor metric alerts accept. */
export const EVALUATION_FREQUENCIES = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H"] as const;

const MINUTES: Record<string, number> = { PT1M: 1, PT5M: 5, PT15M: 15, PT30M: 30, PT1H: 60, PT6H: 360, PT12H: 720, P1D: 1440 };

/** Threshold, timing and severity of one alert. */
export interface AlertSettings {
  enabled: boolean;
  /** 0 (critical) .. 4 (verbose). */
  severity: number;
  threshold: number;
  windowSize: (typeof WINDOW_SIZES)[number];
  evaluationFrequency: (typeof EVALUATION_FREQUENCIES)[number];
}

/** Production defaults: any failure that matters pages quickly. */
const PROD_DEFAULTS: Record<AlertKey, AlertSettings> = {
  acsAuth5xx: { enabled: true, severity: 1, threshold: 5, windowSize: "PT5M", evaluationFrequency: "PT1M" },
  acsAuth429: { enabled: true, severity: 2, threshold: 10, windowSize: "PT5M", evaluationFrequency: "PT1M" },
  acsChat5xx: { enabled: true, severity: 2, threshold: 5, windowSize: "PT5M", evaluationFrequency: "PT1M" },
  emailDeliveryFailures: { enabled: true, severity: 2, threshold: 10, windowSize: "PT15M", evaluationFrequency: "PT5M" },
  emailHardBounces: { enabled: true, severity: 3, threshold: 5, windowSize: "PT1H", evaluationFrequency: "PT15M" },
  eventGridDeadLettered: { enabled: true, severity: 2, threshold: 0, windowSize: "PT5M", evaluationFrequency: "PT5M" },
  eventGridDeliveryFailed: { enabled: true, severity: 3, threshold: 0, windowSize: "PT5M", evaluationFrequency: "PT5M" },
  webApp5xx: { enabled: true, severity: 1, threshold: 10, windowSize: "PT5M", evaluationFrequency: "PT1M" },
  webAppHealth: { enabled: true, severity: 1, threshold: 100, windowSize: "PT5M", evaluationFrequency: "PT1M" },
  tokenIssuanceFailuresLog: { enabled: true, severity: 2, threshold: 5, windowSize: "PT15M", evaluationFrequency: "PT5M" },
  workspaceDailyCapReached: { enabled: true, severity: 2, threshold: 0, windowSize: "PT5M", evaluationFrequency: "PT5M" },
};

/** Defaults for non-production environments: quieter (higher thresholds, lower severity, longer windows). */
const NONPROD_DEFAULTS: Record<AlertKey, AlertSettings> = {
  acsAuth5xx: { enabled: true, severity: 3, threshold: 20, windowSize: "PT15M", evaluationFrequency: "PT5M" },
  acsAuth429: { enabled: true, severity: 3, threshold: 50, windowSize: "PT15M", evaluationFrequency: "PT5M" },
  acsChat5xx: { enabled: true, severity: 3, threshold: 20, windowSize: "PT15M", evaluationFrequency: "PT5M" },
  emailDeliveryFailures: { enabled: true, severity: 3, threshold: 25, windowSize: "PT1H", evaluationFrequency: "PT15M" },
  emailHardBounces: { enabled: true, severity: 4, threshold: 20, windowSize: "PT6H", evaluationFrequency: "PT1H" },
  eventGridDeadLettered: { enabled: true, severity: 3, threshold: 0, windowSize: "PT15M", evaluationFrequency: "PT15M" },
  eventGridDeliveryFailed: { enabled: true, severity: 4, threshold: 0, windowSize: "PT15M", evaluationFrequency: "PT15M" },
  webApp5xx: { enabled: true, severity: 3, threshold: 25, windowSize: "PT15M", evaluationFrequency: "PT5M" },
  webAppHealth: { enabled: true, severity: 3, threshold: 50, windowSize: "PT15M", evaluationFrequency: "PT5M" },
  tokenIssuanceFailuresLog: { enabled: true, severity: 3, threshold: 20, windowSize: "PT1H", evaluationFrequency: "PT15M" },
  workspaceDailyCapReached: { enabled: true, severity: 3, threshold: 0, windowSize: "PT15M", evaluationFrequency: "PT15M" },
};

/** The default settings of every alert in `environment` (`prod` is loud, everything else quieter). */
export function defaultAlertSettings(environment: string): Record<AlertKey, AlertSettings> {
  return environment === "prod" ? PROD_DEFAULTS : NONPROD_DEFAULTS;
}

const ruleOverrideSchema = z
  .object({
    enabled: z
      .boolean()
      .optional()
      .meta({ description: "turns the alert rule on or off (the rule is still deployed)", defaultText: "`true` (every rule)" }),
    severity: z
      .number()
      .int()
      .min(0, "severity must be an integer from 0 to 4")
      .max(4, "severity must be an integer from 0 to 4")
      .optional()
      .meta({
        description: "severity of the fired alert",
        accepts: "integer 0-4 (0 critical, 4 verbose)",
        defaultText: "per rule and environment (below)",
      }),
    threshold: z
      .number()
      .min(0, "threshold must be 0 or more (a count or a percentage)")
      .optional()
      .meta({
        description: "the static threshold the metric or query result is compared with",
        accepts: "number, 0 or more (a count; for `webAppHealth` a percentage greater than 0 and at most 100)",
        defaultText: "per rule and environment (below)",
      }),
    windowSize: z
      .enum(WINDOW_SIZES)
      .optional()
      .meta({ description: "period the metric or query is aggregated over", defaultText: "per rule and environment (below)" }),
    evaluationFrequency: z
      .enum(EVALUATION_FREQUENCIES)
      .optional()
      .meta({
        description: "how often the rule is evaluated",
        accepts: "`PT1M`, `PT5M`, `PT15M`, `PT30M`, `PT1H`; not longer than the effective `windowSize`",
        defaultText: "per rule and environment (below)",
      }),
  })
  .strict();

/** The `alerts` config section: per-alert overrides and an optional budget. */
export const alertsConfigSchema = z
  .object({
    rules: z.partialRecord(z.enum(ALERT_KEYS), ruleOverrideSchema).default({}),
    budget: z
      .object({
        /** Monthly amount in the billing currency. */
        amount: z
          .number()
          .positive("budget.amount must be greater than 0")
          .meta({
            description: "monthly amount in the billing currency",
            accepts: "number greater than 0",
            defaultText: "required with `budget`",
          }),
        /**
         * First day of the first budget month, `YYYY-MM-01`. Leave it unset: the first deploy then uses the first day
         * of the current month, and later runs keep what was deployed (Cost Management accepts a past start date
         * only within the current month, so a fixed date breaks every new stack once that month is over).
         */
        startDate: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])-01$/, "budget.startDate must be the first of a month, YYYY-MM-01")
          .optional()
          .meta({
            description:
              "first budget month; a fixed date must lie in the current month or up to twelve months ahead when the budget is created",
            accepts: "`YYYY-MM-01` (first of a month), optional",
            defaultText: "unset: the first day of the current month at the first deploy, kept on later runs",
          }),
        contactEmails: z
          .array(z.email())
          .min(1, "budget.contactEmails must list at least one address")
          .meta({
            description: "recipients of the budget notifications",
            accepts: "list (1+) of e-mail addresses",
            defaultText: "required with `budget`",
          }),
        actualPercent: z
          .number()
          .gt(0)
          .max(1000)
          .default(80)
          .meta({
            description: "notifies when actual cost exceeds this percent of `amount`",
            accepts: "number greater than 0, at most 1000",
          }),
        forecastPercent: z
          .number()
          .gt(0)
          .max(1000)
          .default(100)
          .meta({
            description: "notifies when forecast cost exceeds this percent of `amount`",
            accepts: "number greater than 0, at most 1000",
          }),
      })
      .strict()
      .optional()
      .meta({
        description: "monthly Cost Management budget on the resource group, notifying `contactEmails` and the action group",
        accepts: "object (optional; the whole `alerts` section is optional)",
        defaultText: "unset (no budget)",
      }),
  })
  .strict()
  .prefault({});

/** A validated `alerts` section. */
export type AlertsSection = z.infer<typeof alertsConfigSchema>;

/** The effective settings of every alert: environment defaults with the configured overrides on top. */
export function resolveAlertSettings(environment: string, config: AlertsSection): Record<AlertKey, AlertSettings> {
  const defaults = defaultAlertSettings(environment);
  const out = {} as Record<AlertKey, AlertSettings>;
  for (const key of ALERT_KEYS) {
    const override = config.rules[key] ?? {};
    out[key] = {
      ...defaults[key],
      ...Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined)),
    };
  }
  return out;
}

/**
 * Why the effective settings are impossible, each with the path below `alerts` and a message: a frequency longer
 * than its window, or a health-check percentage that is not in (0, 100].
 */
export function alertSettingsProblems(settings: Record<AlertKey, AlertSettings>): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  for (const key of ALERT_KEYS) {
    const s = settings[key];
    if ((MINUTES[s.evaluationFrequency] ?? 0) > (MINUTES[s.windowSize] ?? 0)) {
      problems.push({
        path: ["rules", key, "evaluationFrequency"],
        message: `(${s.evaluationFrequency}) must not be longer than windowSize (${s.windowSize})`,
      });
    }
  }
  const health = settings.webAppHealth.threshold;
  if (health <= 0 || health > 100) {
    problems.push({
      path: ["rules", "webAppHealth", "threshold"],
      message: `must be greater than 0 and at most 100 (percent of healthy instances); got ${health}`,
    });
  }
  return problems;
}
