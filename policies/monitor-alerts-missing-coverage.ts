// Stack policy: alerts cover ACS token failures and the token API web app, and every alert notifies an action
// group (PSRule Azure.Alert.* only check alerts that exist, not coverage).
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { type Grouped, type Props, T } from "./lib";

const ALERT_TYPES: readonly string[] = [T.metricAlert, T.scheduledQueryRule];

function dependsOnType(alert: PolicyResource, types: readonly string[]): boolean {
  return alert.dependencies.some((d) => types.includes(d.type));
}

function metricNames(alert: PolicyResource): string[] {
  const allOf = alert.props.criteria?.allOf;
  return Array.isArray(allOf) ? allOf.map((c: Props) => c?.metricName).filter((n: unknown) => typeof n === "string") : [];
}

function queries(alert: PolicyResource): string[] {
  const allOf = alert.props.criteria?.allOf;
  return Array.isArray(allOf) ? allOf.map((c: Props) => c?.query).filter((q: unknown) => typeof q === "string") : [];
}

function notifies(alert: PolicyResource): boolean {
  if (alert.type === T.metricAlert) {
    const actions = alert.props.actions;
    return Array.isArray(actions) && actions.some((a: Props) => a && a.actionGroupId);
  }
  const groups = alert.props.actions?.actionGroups;
  return Array.isArray(groups) && groups.length > 0;
}

export const monitorAlertsMissingCoverage: StackValidationPolicy & Grouped = {
  name: "monitor-alerts-missing-coverage",
  group: "monitor",
  description: "Alerts cover ACS token failures and the web app, and every alert notifies an action group.",
  severity: "high",
  remediationSteps:
    "Keep the Alerts component in the stack: a MetricAlert on the ACS metric APIRequestAuthentication (StatusCodeClass 4xx/5xx) " +
    "or a ScheduledQueryRule over ACSAuthIncomingOperations, and an alert scoped to the web app or its Application Insights.",
  configSchema: {
    properties: {
      tokenFailureMetric: { type: "string", default: "APIRequestAuthentication", description: "ACS metric for identity/token requests." },
      tokenFailureTable: { type: "string", default: "ACSAuthIncomingOperations", description: "Log table of ACS identity/token requests." },
    },
  },
  validateStack: (args, reportViolation) => {
    const { tokenFailureMetric = "APIRequestAuthentication", tokenFailureTable = "ACSAuthIncomingOperations" } = args.getConfig<{
      tokenFailureMetric?: string;
      tokenFailureTable?: string;
    }>();
    const alerts = args.resources.filter((r) => ALERT_TYPES.includes(r.type));
    const hasAcs = args.resources.some((r) => r.type === T.communicationService);
    const hasWebApp = args.resources.some((r) => r.type === T.webApp);
    if (!hasAcs && !hasWebApp && alerts.length === 0) {
      return args.notApplicable("The stack has neither ACS nor a web app");
    }
    if (hasAcs) {
      const covered = alerts.some(
        (a) =>
          (a.type === T.metricAlert && dependsOnType(a, [T.communicationService]) && metricNames(a).includes(tokenFailureMetric)) ||
          (a.type === T.scheduledQueryRule && queries(a).some((q) => q.includes(tokenFailureTable))),
      );
      if (!covered) {
        reportViolation(
          `No alert covers ACS token failures (a MetricAlert on ${tokenFailureMetric} scoped to the Communication Service, or a ScheduledQueryRule over ${tokenFailureTable}).`,
        );
      }
    }
    if (hasWebApp) {
      const covered = alerts.some((a) => dependsOnType(a, [T.webApp, T.appInsights]));
      if (!covered) {
        reportViolation("No alert is scoped to the web app or its Application Insights component.");
      }
    }
    for (const a of alerts) {
      if (!notifies(a)) reportViolation(`Alert '${a.name}' notifies no action group.`, a.urn);
    }
  },
};
