// The sarif format: SARIF 2.1.0 (OASIS) for GitHub code scanning. One rule per policy (with `security-severity`,
// the PSRule for Azure ids it enforces in `properties.tags` and the PSRule rule page as `helpUri`), one result per
// violation located at the line that causes it (tools/plan/locate.ts) with `region.startLine` (an excepted one
// suppressed with its reviewed reason), and fingerprints from policy and resource URN only, so a changed value keeps
// its alert.
// GitHub's reading of these fields: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { psRulesOf, psRuleUrl } from "../../../policies/psrule";
import { configLeaves, locateResult, type ConfigLeaf } from "../locate";
import type { ExceptedResult } from "../policy-runner";
import { displayPath } from "../report-builder";
import { byUrn, POLICY_DOCS, policyDocLink, repoFileLink, type PlanReport } from "./report";

const SARIF_LEVEL = { mandatory: "error", advisory: "warning", remediate: "error", disabled: "none" } as const;

/** GitHub ranks `security-severity` > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
export const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

/** The base URI the artifact locations are relative to: the repository root, which GitHub resolves to the checkout.
 *  Deliberately without a `uri` (a file:// URL of the build machine, which no reader can open and which made two
 *  checkouts' SARIF differ). */
const SRCROOT = "%SRCROOT%";
const BASE_IDS = { [SRCROOT]: { description: { text: "The repository root." } } };

const isAbsolute = (link: string) => /^https:\/\//.test(link);

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
    // The PSRule for Azure rules the policy enforces, from the one mapping (policies/psrule.ts).
    const covers = psRulesOf(p.name);
    const also =
      covers.length > 0
        ? `\n\nEnforces PSRule for Azure ${covers.map((r) => `[\`${r.name}\`](${psRuleUrl(r.name)}) (${r.ref})`).join(", ")}.`
        : "";
    const alsoText = covers.length > 0 ? `\n\nEnforces PSRule for Azure ${covers.map((r) => `${r.name} (${r.ref})`).join(", ")}.` : "";
    // helpUri must be an absolute URI (SARIF 2.1.0 §3.49.12): the PSRule rule's page when the policy enforces one (the
    // first, for a policy that enforces several: all are linked in help.markdown); else the policy's row, in CI only,
    // where the repository's https URL is known (locally the relative link in help.markdown is the pointer).
    const helpUri = covers.length > 0 ? psRuleUrl(covers[0]!.name) : isAbsolute(policyDocLink(p.name)) ? policyDocLink(p.name) : undefined;
    return {
      id: p.name,
      shortDescription: { text: p.description },
      fullDescription: { text: p.description },
      help: {
        text: `${p.remediationSteps ?? p.description}${alsoText}`,
        markdown: `${p.remediationSteps ?? p.description}${also}\n\nSee [${POLICY_DOCS}](${policyDocLink(p.name)}).`,
      },
      ...(helpUri !== undefined ? { helpUri } : {}),
      defaultConfiguration: { level: SARIF_LEVEL[level], enabled: level !== "disabled" },
      properties: {
        severity,
        "security-severity": SECURITY_SEVERITY[severity] ?? "5.5",
        enforcementLevel: level,
        kind: "validateStack" in p ? "stack" : "resource",
        // The PSRule ids, so a team that also runs PSRule for Azure can match the two alerts of one finding.
        ...(covers.length > 0 ? { psRule: covers.map((r) => r.name), psRuleRefs: covers.map((r) => r.ref) } : {}),
        tags: ["security", "infrastructure", ...((p as ResourceValidationPolicy).tags ?? []), ...covers.flatMap((r) => [r.ref, r.name])],
      },
    };
  });
  let leaves: ConfigLeaf[] = [];
  try {
    leaves = configLeaves(report.stackConfigPath);
  } catch {
    // The harness parsed this file already; a file that vanished since then only loses config positions.
  }
  const results = [...report.policy.results, ...report.policy.excepted].map((r) => {
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
    // An excepted result stays in the log, suppressed with the reviewed reason (SARIF 2.1.0 §3.27.23 `suppressions`,
    // §3.35 suppression object: kind "external" = kept outside the source, status "accepted" = reviewed;
    // https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html). GitHub code scanning closes such an alert.
    if ("exception" in r) {
      const e = (r as ExceptedResult).exception;
      result.suppressions = [
        {
          kind: "external",
          status: "accepted",
          justification: `${e.why} Compensating controls: ${e.compensatingControls}`,
          properties: {
            reviewedBy: e.reviewed.by,
            reviewedOn: e.reviewed.on,
            sources: e.sources,
            ...(e.psRule ? { psRule: e.psRule } : {}),
          },
        },
      ];
    }
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
        originalUriBaseIds: BASE_IDS,
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
    ...(isAbsolute(repoFileLink(POLICY_DOCS, "offline-plan-outputs"))
      ? { helpUri: repoFileLink(POLICY_DOCS, "offline-plan-outputs") }
      : {}),
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
          originalUriBaseIds: BASE_IDS,
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
