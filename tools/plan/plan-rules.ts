// Deployment rules that need the baseline (`--compare`), which a CrossGuard policy never sees: run by the plan
// after the pack, their results in the pack's result shape so every format, the summary and the exit code treat
// them like policy results.
import type { StackValidationPolicy } from "@pulumi/policy";
import { SOURCES } from "../../policies/deployability-facts";
import { CUSTOMER_MANAGED_DOMAINS } from "../../policies/communication-service-disallow-unverified-domain-link";
import { T } from "../../policies/lib";
import type { ChangeSet } from "./diff/compare";
import type { PolicyResult } from "./policy-runner";
import type { PlannedResource, PlanResult } from "./types";

/**
 * A rule of the plan itself, described like a pack policy (so SARIF lists it as a rule and the markdown shows its
 * remediation). `validateStack` is never called by the pack: the plan runs `check` with the change set instead.
 */
export interface PlanRule extends StackValidationPolicy {
  check(plan: Pick<PlanResult, "resources">, changes: ChangeSet): PolicyResult[];
}

/** The email domains an ACS resource links, matched by the id the plan recorded for each domain. */
function linkedDomains(acs: PlannedResource, domains: PlannedResource[]): PlannedResource[] {
  const ids = acs.inputs["linkedDomains"];
  if (!Array.isArray(ids)) return [];
  return domains.filter((d) => d.id !== undefined && ids.includes(d.id));
}

const NEW_DOMAIN_LINK = "plan-communication-disallow-new-domain-link";
const NEW_DOMAIN_LINK_DESCRIPTION = "Communication Services links no customer-managed email domain that the same deployment creates.";

/**
 * Linking a domain this deployment creates. Azure accepts a link only to a domain that is "fully verified before
 * attempting to link it" (Learn, "Connect a verified email domain"), and a domain created in the deployment has had
 * no chance to be verified, whatever the config says: `verified: true` on a domain the deployed stack does not
 * have yet fails the ACS create or update. Only the baseline tells whether the domain exists; without one the plan
 * says it cannot know. Azure-managed domains come verified (the pack's domain-link rule explains why) and are left out.
 */
export const planCommunicationDisallowNewDomainLink: PlanRule = {
  name: NEW_DOMAIN_LINK,
  description: NEW_DOMAIN_LINK_DESCRIPTION,
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Deploy the customer-managed domain with `verified: false` first, publish its `emailDnsRecords`, verify it (`npm run verify-domain`), " +
    "then set `verified: true` and run `pulumi up` again. Run the plan with `--compare` against the deployed stack's export or main's plan.",
  validateStack: () => undefined,
  check(plan, changes) {
    const domains = plan.resources.filter(
      (r) => r.type === T.emailDomain && CUSTOMER_MANAGED_DOMAINS.includes(String(r.inputs["domainManagement"])),
    );
    const change = new Map(changes.changes.map((c) => [c.urn, c]));
    const results: PolicyResult[] = [];
    for (const acs of plan.resources.filter((r) => r.type === T.communicationService)) {
      for (const d of linkedDomains(acs, domains)) {
        const domainName = String(d.inputs["domainName"] ?? d.name);
        const base = {
          policy: NEW_DOMAIN_LINK,
          severity: "critical" as const,
          urn: acs.urn,
          description: NEW_DOMAIN_LINK_DESCRIPTION,
          kind: "violation" as const,
        };
        if (changes.baseline === undefined) {
          results.push({
            ...base,
            level: "advisory",
            message:
              `${acs.type} '${acs.name}' links the customer-managed domain '${d.name}' (${domainName}), marked verified; without a baseline the plan ` +
              `cannot tell whether that domain exists already. If this deployment creates it, Azure rejects the link ("must be fully verified ` +
              `before attempting to link it"). Run with --compare against the deployed stack's export or main's plan. Source: ${SOURCES.connectDomain}`,
          });
        } else if (change.get(d.urn)?.op === "create" || change.get(d.urn)?.op === "replace") {
          const c = change.get(d.urn)!;
          const how =
            c.op === "create"
              ? `creates (it is not in the baseline ${changes.baseline.file})`
              : `re-creates (${c.replaceReasons.join("; ")})`;
          results.push({
            ...base,
            level: "mandatory",
            message:
              `${acs.type} '${acs.name}' links the customer-managed domain '${d.name}' (${domainName}), which this deployment ${how}. ` +
              `Azure will answer that the domain "must be fully verified before attempting to link it", and the ACS create or update fails. ` +
              `Source: ${SOURCES.connectDomain}`,
          });
        }
      }
    }
    return results;
  },
};

/** Every rule of the plan, in the order they run. */
export const PLAN_RULES: readonly PlanRule[] = [planCommunicationDisallowNewDomainLink];

/** Runs the plan's rules over the evaluated plan and its change set. */
export function runPlanRules(plan: Pick<PlanResult, "resources">, changes: ChangeSet): PolicyResult[] {
  return PLAN_RULES.flatMap((rule) => rule.check(plan, changes));
}
