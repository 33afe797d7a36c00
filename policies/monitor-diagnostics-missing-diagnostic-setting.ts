// Stack policy: every ACS, Key Vault, Web App, Event Grid topic and storage resource has a diagnostic setting
// that sends to a Log Analytics workspace; a Key Vault's setting includes its audit logs (PSRule
// Azure.KeyVault.Logs; PSRule has no such rule for the other types).
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { typesWhere } from "./azure-types";
import { type Grouped, type Props, T } from "./lib";

/** Types that must have a diagnostic setting: the `diagnosed` types of the catalog. */
export const DIAGNOSED_TYPES: readonly string[] = typesWhere("diagnosed");

/** True when `setting` targets `target` or one of its sub-resources (e.g. a storage account's blobServices). */
function targets(setting: PolicyResource, target: PolicyResource): boolean {
  const uriDeps = setting.propertyDependencies?.resourceUri;
  if (uriDeps && uriDeps.length > 0) return uriDeps.some((d) => d.urn === target.urn);
  if (setting.dependencies.some((d) => d.urn === target.urn)) return true;
  const uri = setting.props.resourceUri;
  const id = target.props.id;
  return typeof uri === "string" && typeof id === "string" && id !== "" && uri.toLowerCase().startsWith(id.toLowerCase());
}

function hasAuditLogs(setting: PolicyResource): boolean {
  const logs = setting.props.logs;
  return (
    Array.isArray(logs) &&
    logs.some(
      (l: Props) =>
        l && l.enabled === true && (l.category === "AuditEvent" || l.categoryGroup === "audit" || l.categoryGroup === "allLogs"),
    )
  );
}

export const monitorDiagnosticsMissingDiagnosticSetting: StackValidationPolicy & Grouped = {
  name: "monitor-diagnostics-missing-diagnostic-setting",
  group: "monitor",
  description: "Every ACS, Key Vault, Web App, Event Grid topic and storage account sends diagnostics to a Log Analytics workspace.",
  severity: "high",
  remediationSteps: "Pass `diagnostics: { workspaceId }` to the component; it creates a DiagnosticSetting with allLogs and AllMetrics.",
  validateStack: (args, reportViolation) => {
    const targetsInStack = args.resources.filter((r) => DIAGNOSED_TYPES.includes(r.type));
    if (targetsInStack.length === 0) {
      return args.notApplicable("The stack has no resource that needs diagnostics");
    }
    const settings = args.resources.filter((r) => r.type === T.diagnosticSetting);
    for (const target of targetsInStack) {
      const mine = settings.filter((s) => targets(s, target));
      const toWorkspace = mine.filter((s) => typeof s.props.workspaceId === "string" && s.props.workspaceId !== "");
      if (toWorkspace.length === 0) {
        reportViolation(`${target.type} '${target.name}' has no diagnostic setting that sends to a Log Analytics workspace.`, target.urn);
      } else if (target.type === T.vault && !toWorkspace.some(hasAuditLogs)) {
        reportViolation(`Key Vault '${target.name}' has no diagnostic setting with audit logs (AuditEvent, audit or allLogs).`, target.urn);
      }
    }
  },
};
