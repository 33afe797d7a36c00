// Deployment rules that need the baseline (`--compare`), which a CrossGuard policy never sees: run by the plan
// after the pack, their results in the pack's result shape so every format, the summary and the exit code treat
// them like policy results.
import type { StackValidationPolicy } from "@pulumi/policy";
import { ACS_RETIREMENT_DATE, ACS_SIGNUP_CUTOFF_DATE, acsRetired, SOURCES } from "../../policies/deployability-facts";
import { CUSTOMER_MANAGED_DOMAINS } from "../../policies/deployability-communication-disallow-unverified-domain-link";
import { appSettingsOf, splitList, T } from "../../policies/lib";
import { isTokenApiHost } from "../../policies/tokenapi-webapp-configure-token-lifetime";
import { DEFAULT_SCOPES } from "../../policies/tokenapi-webapp-enforce-allowed-scopes";
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

const RETIRED_SERVICE = "plan-communication-disallow-retired-service";
const RETIRED_SERVICE_DESCRIPTION =
  "The stack uses no ACS capability Microsoft retires on 2028-09-30 (Email, Chat, SMS); until then each use is an advisory reminder.";

/** The retiring capabilities a plan uses, each with the resource that uses it and what the message names. */
function retiringCapabilities(resources: readonly PlannedResource[]): Array<{ urn: string; what: string }> {
  const found: Array<{ urn: string; what: string }> = [];
  const domains = resources.filter((r) => r.type === T.emailDomain);
  for (const email of resources.filter((r) => r.type === T.emailService)) {
    const senders = resources.filter((r) => r.type === "azure-native:communication:SenderUsername");
    found.push({
      urn: email.urn,
      what:
        `ACS Email: Email service '${email.name}' with ${domains.length} domain(s) (${domains.map((d) => String(d.inputs["domainName"] ?? d.name)).join(", ")})` +
        ` and ${senders.length} extra sender(s) (${senders.map((x) => String(x.inputs["username"] ?? x.name)).join(", ") || "none"}) besides DoNotReply`,
    });
  }
  for (const app of resources.filter((r) => r.type === T.webApp || r.type === T.webAppSettings)) {
    const settings = appSettingsOf(app.type, app.inputs);
    if (!isTokenApiHost(settings)) continue;
    const raw = settings.get("TOKEN_ALLOWED_SCOPES");
    // Unset means the token API's default scopes (docs/interfaces.md).
    const chat = (raw === undefined ? DEFAULT_SCOPES : splitList(raw)).filter((s) => s === "chat" || s.startsWith("chat."));
    if (chat.length > 0) found.push({ urn: app.urn, what: `ACS Chat: '${app.name}' issues tokens with the scope(s) ${chat.join(", ")}` });
  }
  for (const sub of resources.filter((r) => r.type === T.systemTopicSubscription || r.type === T.eventSubscription)) {
    const types = (sub.inputs["filter"] as { includedEventTypes?: unknown } | undefined)?.includedEventTypes;
    const sms = Array.isArray(types) ? types.map(String).filter((t) => t.startsWith("Microsoft.Communication.SMS")) : [];
    if (sms.length > 0) found.push({ urn: sub.urn, what: `ACS SMS: event subscription '${sub.name}' delivers ${sms.join(", ")}` });
  }
  return found;
}

/**
 * Microsoft retires ACS Email, SMS and Chat with the standalone offering on 2028-09-30, and new customers cannot sign
 * up since 2026-10-23 (SOURCES.acsRetirement). One result per retiring capability the stack uses: advisory before
 * the date, mandatory from it, by the clock of the machine running the plan (like the budget start-date rule). A
 * plan rule, not a pack policy, because CrossGuard fixes one level per policy in the config file (where `all` sets
 * every level), while this level follows the date.
 */
export const planCommunicationDisallowRetiredService: PlanRule = {
  name: RETIRED_SERVICE,
  description: RETIRED_SERVICE_DESCRIPTION,
  severity: "high",
  enforcementLevel: "advisory",
  remediationSteps:
    "Plan the move off each retiring capability before 2028-09-30 (docs/lifecycle.md lists the alternatives Microsoft names): " +
    "archive chat (`npm run archive-chat`), then remove the capability from the stack config or decommission the stack (`npm run decommission`).",
  validateStack: () => undefined,
  check(plan) {
    const retired = acsRetired(new Date());
    return retiringCapabilities(plan.resources).map(({ urn, what }) => ({
      policy: RETIRED_SERVICE,
      level: retired ? "mandatory" : "advisory",
      severity: "high",
      urn,
      description: RETIRED_SERVICE_DESCRIPTION,
      kind: "violation",
      message: retired
        ? `${what}. It retired on ${ACS_RETIREMENT_DATE}: retired ACS services "aren't supported and can't be used" after that date ` +
          `(new sign-ups closed on ${ACS_SIGNUP_CUTOFF_DATE}). Source: ${SOURCES.acsRetirement}`
        : `${what}. It retires on ${ACS_RETIREMENT_DATE}, after which it "can't be used"; new customers cannot sign up since ` +
          `${ACS_SIGNUP_CUTOFF_DATE}, so a replaced resource may not come back. Source: ${SOURCES.acsRetirement}`,
    }));
  },
};

/** Every rule of the plan, in the order they run. */
export const PLAN_RULES: readonly PlanRule[] = [planCommunicationDisallowNewDomainLink, planCommunicationDisallowRetiredService];

/** Runs the plan's rules over the evaluated plan and its change set. */
export function runPlanRules(plan: Pick<PlanResult, "resources">, changes: ChangeSet): PolicyResult[] {
  return PLAN_RULES.flatMap((rule) => rule.check(plan, changes));
}
