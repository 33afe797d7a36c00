// The sarif format: SARIF 2.1.0 (OASIS) for code-scanning UIs; one rule per policy, one result per violation,
// located at the stack config file and, logically, at the resource URN.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { byUrn, type PlanReport } from "./report";

const SARIF_LEVEL = { mandatory: "error", advisory: "warning", remediate: "error", disabled: "none" } as const;

export function toSarif(report: PlanReport): Record<string, unknown> {
  const resources = byUrn(report);
  const ruleIndex = new Map(report.policies.map((p, i) => [p.name, i]));
  const rules = report.policies.map((p) => {
    const level = report.config.get(p.name)?.enforcementLevel ?? "mandatory";
    return {
      id: p.name,
      shortDescription: { text: p.description },
      fullDescription: { text: p.description },
      help: { text: p.remediationSteps ?? p.description },
      defaultConfiguration: { level: SARIF_LEVEL[level], enabled: level !== "disabled" },
      properties: {
        severity: p.severity ?? "medium",
        enforcementLevel: level,
        kind: "validateStack" in p ? "stack" : "resource",
        ...(((p as ResourceValidationPolicy).tags ?? []).length > 0 ? { tags: (p as ResourceValidationPolicy).tags } : {}),
      },
    };
  });
  const results = report.policy.results.map((r) => {
    const res = r.urn ? resources.get(r.urn) : undefined;
    const result: Record<string, unknown> = {
      ruleId: r.policy,
      level: SARIF_LEVEL[r.level],
      message: { text: r.message },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: report.stackConfigFile } },
          ...(r.urn
            ? { logicalLocations: [{ fullyQualifiedName: r.urn, name: res?.name ?? r.urn, kind: "resource" }] }
            : {}),
        },
      ],
      partialFingerprints: { "policyUrnMessage/v1": `${r.policy}|${r.urn ?? ""}|${r.message}` },
      properties: { enforcementLevel: r.level, kind: r.kind, ...(res ? { resourceType: res.type } : {}) },
    };
    const idx = ruleIndex.get(r.policy);
    if (idx !== undefined) result.ruleIndex = idx;
    return result;
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: `${report.pack.name}-policy-pack`,
            version: report.pack.version,
            semanticVersion: report.pack.version,
            informationUri: "https://www.pulumi.com/docs/iac/crossguard/",
            rules,
          },
        },
        automationDetails: { id: `plan/${report.plan.project}/${report.plan.stack}/` },
        results,
        properties: { stack: report.plan.stack, exitCode: report.exitCode },
      },
    ],
  };
}

export function renderSarif(report: PlanReport): string {
  return JSON.stringify(toSarif(report), null, 2);
}
