// Deployability rule: a log search alert over a table that only diagnostic settings fill is created with
// `skipQueryValidation` (or after the diagnostic setting): in a new workspace the table does not resolve yet and
// the create fails with "SEM0100 Failed to resolve table".
import type { StackValidationPolicy } from "@pulumi/policy";
import { type Grouped, T } from "./lib";
import { SOURCES } from "./deployability-facts";

/** Tables written by diagnostic settings (resource-specific tables of the types in this platform, AzureDiagnostics). */
const DIAGNOSTIC_TABLE = /^(ACS\w+|AppService\w+|AEG\w+|Storage\w+Logs|AZKV\w+|AzureDiagnostics|LAQueryLogs)$/;

/** The first table a KQL query reads (the identifier before the first pipe). */
export function firstTable(query: string): string | undefined {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\||$)/.exec(query);
  return m?.[1];
}

export const deployabilityLogalertConfigureSkipQueryValidation: StackValidationPolicy & Grouped = {
  name: "deployability-logalert-configure-skip-query-validation",
  group: "deployability",
  description: "A log search alert over a diagnostic-settings table skips query validation or is created after the diagnostic setting.",
  severity: "medium",
  remediationSteps:
    "Set `skipQueryValidation: true` on the ScheduledQueryRule, or make it `dependsOn` the diagnostic setting that fills the table.",
  validateStack: (args, reportViolation) => {
    for (const rule of args.resources.filter((r) => r.type === T.scheduledQueryRule)) {
      if (rule.props.skipQueryValidation === true) continue;
      if (rule.dependencies.some((d) => d.type === T.diagnosticSetting)) continue;
      const allOf = rule.props.criteria?.allOf;
      const tables = (Array.isArray(allOf) ? allOf : [])
        .map((c: { query?: unknown }) => (typeof c?.query === "string" ? firstTable(c.query) : undefined))
        .filter((t): t is string => t !== undefined && DIAGNOSTIC_TABLE.test(t));
      for (const table of tables) {
        reportViolation(
          `${T.scheduledQueryRule} '${rule.name}' queries '${table}', a table diagnostic settings create on first ingestion, without ` +
            `skipQueryValidation: in a new workspace Azure answers 400 "SEM0100 Failed to resolve table" and the create fails. Source: ${SOURCES.logAlertValidation}`,
          rule.urn,
        );
      }
    }
  },
};
