// Alerts: the platform's metric and log alerts (ACS token/identity, chat and email failures, Event Grid delivery,
// token API 5xx and health) wired to the action group, plus an optional cost budget per resource group.
// Definitions and thresholds are pure data in definitions.ts; this file only declares resources.
//
// Property names from @pulumi/azure-native 3.28 monitor (metricAlerts 2018-03-01, scheduledQueryRules
// 2025-01-01-preview) and costmanagement (budgets 2024-08-01) typings.
import * as pulumi from "@pulumi/pulumi";
import * as costmanagement from "@pulumi/azure-native/costmanagement";
import * as monitor from "@pulumi/azure-native/monitor";
import { sanitizeSegment, type NamingContext } from "../common/naming";
import { firstDayOfMonthUtc } from "../../policies/deployability-facts";
import type { AzureComponentArgs } from "../common/types";
import { ALERT_DEFINITIONS, type AlertKey, type AlertTarget } from "./definitions";
import type { AlertSettings, AlertsSection } from "./config";

/**
 * Arguments of Alerts; `location` is the workspace's region (log alerts live there; metric alerts are global). No
 * diagnostics (alert rules have no diagnostic settings), lock or role assignments.
 */
export interface AlertsArgs extends AzureComponentArgs {
  /** The action group every alert notifies. */
  actionGroupId: pulumi.Input<string>;
  /** Resource ids of what the alerts watch. */
  targets: Record<AlertTarget, pulumi.Input<string>> & { workspace: pulumi.Input<string> };
  /** Effective settings of every alert (environment defaults plus overrides). */
  settings: Record<AlertKey, AlertSettings>;
  /** Optional monthly cost budget on the resource group. */
  budget?: NonNullable<AlertsSection["budget"]> & { resourceGroupId: pulumi.Input<string> };
}

/** `alert-<app>-<env>-<key in kebab case>`. */
export function alertRuleName(naming: Pick<NamingContext, "app" | "env">, key: AlertKey): string {
  const kebab = key.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
  return `alert-${sanitizeSegment(naming.app)}-${sanitizeSegment(naming.env)}-${kebab}`;
}

/** The platform's alerts and budget. */
export class Alerts extends pulumi.ComponentResource {
  /** Names of the alert rules, by key. */
  declare readonly ruleNames: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:monitor:Alerts", name, {}, opts);
    const parent = { parent: this };
    const ruleNames: Record<string, string> = {};

    for (const def of ALERT_DEFINITIONS) {
      const s = args.settings[def.key];
      const ruleName = alertRuleName(args.naming, def.key);
      ruleNames[def.key] = ruleName;
      if (def.kind === "metric") {
        new monitor.MetricAlert(
          `${name}-${def.key}`,
          {
            ruleName,
            resourceGroupName: args.resourceGroupName,
            location: "global",
            description: def.description,
            enabled: s.enabled,
            severity: s.severity,
            windowSize: s.windowSize,
            evaluationFrequency: s.evaluationFrequency,
            autoMitigate: true,
            scopes: [args.targets[def.target]],
            criteria: {
              odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
              allOf: [
                {
                  criterionType: "StaticThresholdCriterion",
                  name: def.key,
                  metricNamespace: def.metricNamespace,
                  metricName: def.metricName,
                  timeAggregation: def.timeAggregation,
                  operator: def.operator,
                  threshold: s.threshold,
                  dimensions: def.dimensions.map((d) => ({ ...d, values: [...d.values] })),
                },
              ],
            },
            actions: [{ actionGroupId: args.actionGroupId }],
            tags: args.tags,
          },
          parent,
        );
      } else {
        new monitor.ScheduledQueryRule(
          `${name}-${def.key}`,
          {
            ruleName,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            displayName: ruleName,
            description: def.description,
            enabled: s.enabled,
            severity: s.severity,
            windowSize: s.windowSize,
            evaluationFrequency: s.evaluationFrequency,
            // The query's table may not exist yet in a new workspace (diagnostic-settings tables appear with the
            // first data): validating it at creation fails with "SEM0100 Failed to resolve table".
            skipQueryValidation: true,
            scopes: [args.targets.workspace],
            criteria: {
              allOf: [
                {
                  query: def.query,
                  timeAggregation: def.timeAggregation,
                  operator: def.operator,
                  threshold: s.threshold,
                  failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
                },
              ],
            },
            actions: { actionGroups: [args.actionGroupId] },
            tags: args.tags,
          },
          parent,
        );
      }
    }

    if (args.budget !== undefined) {
      const b = args.budget;
      const notification = (thresholdType: "Actual" | "Forecasted", threshold: number) => ({
        enabled: true,
        operator: "GreaterThan",
        threshold,
        thresholdType,
        contactEmails: [...b.contactEmails],
        contactGroups: [args.actionGroupId],
      });
      new costmanagement.Budget(
        `${name}-budget`,
        {
          budgetName: `budget-${sanitizeSegment(args.naming.app)}-${sanitizeSegment(args.naming.env)}`,
          scope: b.resourceGroupId,
          category: "Cost",
          amount: b.amount,
          timeGrain: "Monthly",
          // Unset in config: the first day of the current month at deploy time, the only past start date Cost
          // Management accepts (BudgetTimePeriod, costmanagement.budgets.json 2024-08-01). Later runs in another
          // month would compute a different date and replace the budget, so the deployed one is kept.
          timePeriod: { startDate: b.startDate === undefined ? firstDayOfMonthUtc(new Date()) : `${b.startDate}T00:00:00Z` },
          notifications: {
            actual: notification("Actual", b.actualPercent),
            forecast: notification("Forecasted", b.forecastPercent),
          },
        },
        { parent: this, ignoreChanges: ["timePeriod.startDate"] },
      );
    }

    this.ruleNames = pulumi.output(ruleNames);
    this.registerOutputs({ ruleNames: this.ruleNames });
  }
}
