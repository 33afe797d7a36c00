// Deployability rule: Communication Services links only email domains that Azure already reports verified. A
// domain created in the same deployment (its id still unknown in a preview) or a customer-managed domain the
// program has not marked verified would make Azure reject the whole ACS create or update. Azure-managed domains
// come verified ("pre-configured with required sender authentication support", Learn "Email domains and sender
// authentication"), so creating and linking one at once is fine.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { type Grouped, known, T } from "./lib";
import { EMAIL_DOMAIN_VERIFIED_TAG, SOURCES } from "./deployability-facts";

/** The `domainManagement` values of domains the customer verifies (Azure-managed ones come verified). */
export const CUSTOMER_MANAGED_DOMAINS: readonly string[] = ["CustomerManaged", "CustomerManagedInExchangeOnline"];

/** The linkedDomains entries of an ACS resource; `undefined` marks an entry whose id is not known yet. */
function linkedDomainIds(acs: PolicyResource): Array<string | undefined> {
  const list = acs.props.linkedDomains;
  if (!Array.isArray(list)) return [];
  // An unknown id in a preview means the domain does not exist yet: it is created by this deployment.
  return Array.from({ length: list.length }, (_, i) => {
    const v = known((): unknown => list[i]);
    return typeof v === "string" ? v : undefined;
  });
}

export const deployabilityCommunicationDisallowUnverifiedDomainLink: StackValidationPolicy & Grouped = {
  name: "deployability-communication-disallow-unverified-domain-link",
  group: "deployability",
  description: "Communication Services links only email domains that are already verified.",
  severity: "critical",
  remediationSteps:
    "Deploy the customer-managed domain unlinked (`verified: false`, the default), publish the `emailDnsRecords`, verify the " +
    "domain (`npm run verify-domain`), then set `verified: true` and run `pulumi up` again.",
  validateStack: (args, reportViolation) => {
    const domains = args.resources.filter((r) => r.type === T.emailDomain);
    const customer = (d: PolicyResource) => CUSTOMER_MANAGED_DOMAINS.includes(d.props.domainManagement);
    for (const acs of args.resources.filter((r) => r.type === T.communicationService)) {
      const problems: string[] = [];
      const ids = linkedDomainIds(acs);
      for (const id of ids) {
        const domain = id === undefined ? undefined : domains.find((d) => d.props.id === id);
        if (domain !== undefined && customer(domain) && domain.props.tags?.[EMAIL_DOMAIN_VERIFIED_TAG] !== "true") {
          problems.push(
            `links the customer-managed domain '${domain.name}' (${String(domain.props.domainName ?? "")}) before it is marked verified (tag ${EMAIL_DOMAIN_VERIFIED_TAG} is not "true")`,
          );
        }
      }
      // An id still unknown in a preview belongs to a domain this deployment creates. Azure-managed domains come
      // verified; a customer-managed one the link depends on cannot be verified yet.
      if (ids.includes(undefined)) {
        for (const d of domains.filter((d) => customer(d) && acs.dependencies.some((dep) => dep.urn === d.urn))) {
          if (!problems.some((p) => p.includes(`'${d.name}'`))) {
            problems.push(
              `links the customer-managed domain '${d.name}' (${String(d.props.domainName ?? "")}), which this deployment creates (its id is not known yet)`,
            );
          }
        }
      }
      for (const problem of problems) {
        reportViolation(
          `${acs.type} '${acs.name}' ${problem}. Azure will answer that only verified domains can be linked ` +
            `("This domain must be fully verified before attempting to link it"), and the create or update fails. Source: ${SOURCES.connectDomain}`,
          acs.urn,
        );
      }
    }
  },
};
