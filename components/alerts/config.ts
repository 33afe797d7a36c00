// The `alerts` config section: the per-environment defaults of every alert (./definitions.ts), the schema that lets a
// stack tune thresholds, windows and severities and add a cost budget, and the check of the settings it resolves to.
import { z } from "zod";
import { ALERT_KEYS, type AlertKey } from "./definitions";

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
    threshold: z.number().min(0, "threshold must be 0 or more (a count or a percentage)").optional().meta({
      description: "the static threshold the metric or query result is compared with",
      accepts: "number, 0 or more (a count; for `webAppHealth` a percentage greater than 0 and at most 100)",
      defaultText: "per rule and environment (below)",
    }),
    windowSize: z
      .enum(WINDOW_SIZES)
      .optional()
      .meta({ description: "period the metric or query is aggregated over", defaultText: "per rule and environment (below)" }),
    evaluationFrequency: z.enum(EVALUATION_FREQUENCIES).optional().meta({
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
        amount: z.number().positive("budget.amount must be greater than 0").meta({
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
        contactEmails: z.array(z.email()).min(1, "budget.contactEmails must list at least one address").meta({
          description: "recipients of the budget notifications",
          accepts: "list (1+) of e-mail addresses",
          defaultText: "required with `budget`",
        }),
        actualPercent: z.number().gt(0).max(1000).default(80).meta({
          description: "notifies when actual cost exceeds this percent of `amount`",
          accepts: "number greater than 0, at most 1000",
        }),
        forecastPercent: z.number().gt(0).max(1000).default(100).meta({
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
