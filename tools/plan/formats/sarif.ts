// The sarif format: SARIF 2.1.0 (OASIS) for GitHub code scanning. One rule per policy (with `security-severity`
// and `helpUri`), one result per violation located at the line that causes it (tools/plan/locate.ts) with
// `region.startLine`, and fingerprints from policy and resource URN only, so a changed value keeps its alert.
// GitHub's reading of these fields: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configLeaves, locateResult, type ConfigLeaf } from "../locate";
import { displayPath, REPO_ROOT } from "../report-builder";
import { byUrn, docsUrl, type PlanReport } from "./report";

const SARIF_LEVEL = { mandatory: "error", advisory: "warning", remediate: "error", disabled: "none" } as const;

/** GitHub ranks `security-severity` > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
export const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

/** The base URI the artifact locations are relative to (the repository root). */
const SRCROOT = "%SRCROOT%";

function tool(report: Pick<PlanReport, "pack">, rules: unknown[]) {
  return {
    driver: {
      name: `${report.pack.name}-policy-pack`,
      version: report.pack.version,
      semanticVersion: report.pack.version,
      informationUri: "https://www.pulumi.com/docs/iac/crossguard/",
      rules,
    },
  };
}

export function toSarif(report: PlanReport): Record<string, unknown> {
  const resources = byUrn(report);
  const ruleIndex = new Map(report.policies.map((p, i) => [p.name, i]));
  const rules = report.policies.map((p) => {
    const level = report.config.get(p.name)?.enforcementLevel ?? "mandatory";
    const severity = p.severity ?? "medium";
    return {
      id: p.name,
      shortDescription: { text: p.description },
      fullDescription: { text: p.description },
      help: {
        text: p.remediationSteps ?? p.description,
        markdown: `${p.remediationSteps ?? p.description}\n\nSee [docs/policies.md](${docsUrl("every-policy")}).`,
      },
      helpUri: docsUrl("every-policy"),
      defaultConfiguration: { level: SARIF_LEVEL[level], enabled: level !== "disabled" },
      properties: {
        severity,
        "security-severity": SECURITY_SEVERITY[severity] ?? "5.5",
        enforcementLevel: level,
        kind: "validateStack" in p ? "stack" : "resource",
        tags: ["security", "infrastructure", ...((p as ResourceValidationPolicy).tags ?? [])],
      },
    };
  });
  let leaves: ConfigLeaf[] = [];
  try {
    leaves = configLeaves(report.stackConfigPath);
  } catch {
    // The harness parsed this file already; a file that vanished since then only loses config positions.
  }
  const results = report.policy.results.map((r) => {
    const res = r.urn ? resources.get(r.urn) : undefined;
    const at = locateResult(r, res, leaves, report.stackConfigPath, report.plan.project);
    const message = at.configKey ? `${r.message} (set by ${at.configKey} in ${report.stackConfigFile})` : r.message;
    const result: Record<string, unknown> = {
      ruleId: r.policy,
      level: SARIF_LEVEL[r.level],
      message: { text: message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: displayPath(at.file), uriBaseId: SRCROOT },
            region: { startLine: at.line, ...(at.column ? { startColumn: at.column } : {}) },
          },
          ...(r.urn ? { logicalLocations: [{ fullyQualifiedName: r.urn, name: res?.name ?? r.urn, kind: "resource" }] } : {}),
        },
      ],
      // Policy and resource only: a result keeps its alert when the offending value or the message changes.
      partialFingerprints: { "policyUrn/v1": `${r.policy}|${r.urn ?? "stack"}` },
      properties: {
        enforcementLevel: r.level,
        kind: r.kind,
        ...(res ? { resourceType: res.type } : {}),
        ...(at.configKey ? { configKey: at.configKey } : {}),
      },
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
        tool: tool(report, rules),
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(`${REPO_ROOT}${path.sep}`).href } },
        automationDetails: { id: `plan/${report.plan.project}/${report.plan.stack}/` },
        results,
        properties: { stack: report.plan.stack, exitCode: report.exitCode, notices: [...report.notices, ...report.policy.warnings] },
      },
    ],
  };
}

export function renderSarif(report: PlanReport): string {
  return JSON.stringify(toSarif(report), null, 2);
}

/** The SARIF a failed plan writes (bad flag, config or policy-config error), so an upload step always has a file. */
export function errorSarif(
  stack: string,
  message: string,
  where: { file?: string; line?: number; column?: number },
  pack: PlanReport["pack"],
): string {
  const rule = {
    id: "plan-input-error",
    shortDescription: { text: "The offline plan could not run: a usage, stack-config or policy-config error." },
    help: { text: "Fix the file or flag named in the message; `npm run plan -- --help` lists the flags." },
    helpUri: docsUrl("offline-plan-outputs"),
    defaultConfiguration: { level: "error" },
    properties: { "security-severity": "5.5", tags: ["infrastructure"] },
  };
  const location = where.file
    ? [
        {
          physicalLocation: {
            artifactLocation: { uri: displayPath(where.file), uriBaseId: SRCROOT },
            region: { startLine: where.line ?? 1, ...(where.column ? { startColumn: where.column } : {}) },
          },
        },
      ]
    : [];
  return JSON.stringify(
    {
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      version: "2.1.0",
      runs: [
        {
          tool: tool({ pack }, [rule]),
          originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(`${REPO_ROOT}${path.sep}`).href } },
          automationDetails: { id: `plan/${stack}/` },
          results: [
            {
              ruleId: rule.id,
              ruleIndex: 0,
              level: "error",
              message: { text: message },
              locations: location,
              partialFingerprints: { "policyUrn/v1": `plan-input-error|${stack}` },
            },
          ],
          invocations: [{ executionSuccessful: false, exitCode: 2 }],
        },
      ],
    },
    null,
    2,
  );
}
