// Deployability rule: no extra sender username and no user-engagement tracking on an email domain whose sending
// limits are the default ones (every Azure-managed domain, and a customer-managed one until Microsoft raises them).
// Azure refuses both there, so the sender's create or the domain's update fails.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { T, known, type Grouped } from "./lib";
import { domainTagsAllowSenders, EMAIL_DOMAIN_LIMITS_RAISED_TAG, EMAIL_DOMAIN_VERIFIED_TAG, SOURCES } from "./deployability-facts";

const SENDER_USERNAME = "azure-native:communication:SenderUsername";

/** Why a domain cannot have senders or tracking yet, or undefined when it can. */
function blocker(domain: PolicyResource): string | undefined {
  if (domain.props.domainManagement === "AzureManaged") return "an Azure-managed domain";
  const tags = known((): unknown => domain.props.tags);
  if (domainTagsAllowSenders(tags)) return undefined;
  return `a domain not marked verified with raised sending limits (tags ${EMAIL_DOMAIN_VERIFIED_TAG} and ${EMAIL_DOMAIN_LIMITS_RAISED_TAG} are not both "true")`;
}

export const communicationDomainDisallowDefaultSendingLimits: StackValidationPolicy & Grouped = {
  name: "communication-domain-disallow-default-sending-limits",
  group: "deployability",
  description: "No extra sender username or user-engagement tracking on an email domain with default sending limits.",
  severity: "high",
  remediationSteps:
    "List extra senders and `userEngagementTracking` only on a CustomerManaged domain; the program creates them once the domain has " +
    "`verified: true` and `sendingLimitsRaised: true` (after Microsoft raised its limits on a support request).",
  validateStack: (args, reportViolation) => {
    const domains = args.resources.filter((r) => r.type === T.emailDomain);
    for (const sender of args.resources.filter((r) => r.type === SENDER_USERNAME)) {
      const domain = domains.find((d) => sender.dependencies.some((dep) => dep.urn === d.urn));
      const why = domain === undefined ? undefined : blocker(domain);
      if (domain !== undefined && why !== undefined) {
        reportViolation(
          `${SENDER_USERNAME} '${sender.name}' adds '${String(known((): unknown => sender.props.username))}' on '${domain.name}', ${why}. ` +
            `Azure refuses it ("Sender usernames cannot be enabled for Azure Managed Domains or custom domains with default sending limits"). ` +
            `Source: ${SOURCES.multipleSenders}`,
          sender.urn,
        );
      }
    }
    for (const domain of domains.filter((d) => d.props.userEngagementTracking === "Enabled")) {
      const why = blocker(domain);
      if (why !== undefined) {
        reportViolation(
          `${T.emailDomain} '${domain.name}' enables userEngagementTracking on ${why}. Azure refuses it ("User Engagement Tracking ` +
            `cannot be enabled for Azure Managed Domains or custom domains with default sending limits"). Source: ${SOURCES.engagementTracking}`,
          domain.urn,
        );
      }
    }
  },
};
