// Deployment rules that need the baseline (`--compare`), which a CrossGuard policy never sees: run by the plan
// after the pack, their results in the pack's result shape so every format, the summary and the exit code treat
// them like policy results.
import type { StackValidationPolicy } from "@pulumi/policy";
import { ACS_RETIREMENT_DATE, ACS_SIGNUP_CUTOFF_DATE, acsRetired, SOURCES } from "../../policies/deployability-facts";
import { CUSTOMER_MANAGED_DOMAINS } from "../../policies/communication-service-disallow-unverified-domain-link";
import { azureType, nameInput, pathParams } from "../../policies/azure-types";
import { appSettingsOf, splitList, T } from "../../policies/lib";
import { isTokenApiHost } from "../../policies/web-webapp-configure-token-lifetime";
import { DEFAULT_SCOPES } from "../../policies/web-webapp-enforce-allowed-scopes";
import type { Baseline, BaselineResource } from "./diff/baseline";
import { under, type ChangeSet, type ResourceChange } from "./diff/compare";
import type { PolicyResult } from "./policy-runner";
import type { PlannedResource, PlanResult } from "./types";

/**
 * A rule of the plan itself, described like a pack policy (so SARIF lists it as a rule and the markdown shows its
 * remediation). `validateStack` is never called by the pack: the plan runs `check` with the change set instead.
 */
export interface PlanRule extends StackValidationPolicy {
  check(plan: Pick<PlanResult, "resources">, changes: ChangeSet, baseline?: Baseline): PolicyResult[];
}

/** A mandatory result of `rule` on `urn` (what a rule reports once the baseline shows the change is real). */
function blocking(rule: PlanRule, urn: string, message: string): PolicyResult {
  return {
    policy: rule.name,
    severity: rule.severity ?? "high",
    urn,
    description: rule.description,
    kind: "violation",
    level: "mandatory",
    message,
  };
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

const LOCK_TYPE = "azure-native:authorization:ManagementLockByScope";
const LEARN_LOCKS = "https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources";

/** The scope a resource acts on: an extension resource's `scope`/`resourceUri`, otherwise its own id. */
function scopeOf(r: { inputs: Record<string, unknown>; id?: string }): string | undefined {
  const s = r.inputs["scope"] ?? r.inputs["resourceUri"] ?? r.id;
  return typeof s === "string" ? s.toLowerCase() : undefined;
}

/**
 * A delete under a `CanNotDelete` lock. "A cannot-delete lock on a resource or resource group prevents the deletion of
 * Azure RBAC assignments", and "extension resources inherit locks from the resource they're applied to ... you're
 * unable to delete the diagnostic setting" (Learn "Lock your resources"); a child (a sender under a locked domain)
 * inherits it too. So an `up` that deletes or replaces a role assignment, diagnostic setting or child whose scope is a
 * locked resource stops with ScopeLocked: switching `tokenApi.acsAuthMode` back to key-vault, a replaced identity, a
 * renamed diagnostic setting. The locked resource itself is `protect`ed (the plan's critical list names it).
 */
export const planAuthorizationDisallowDeleteUnderLock: PlanRule = {
  name: "plan-authorization-disallow-delete-under-lock",
  description: "No deployment deletes or replaces a role assignment, diagnostic setting or child resource under a CanNotDelete lock.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Keep the change out, or remove the named lock first (`az lock delete --ids <lock id>`), run `pulumi up`, and run `pulumi up` again " +
    'to restore the lock (README "Deploy to Azure"). Run the plan with `--compare` against the deployed stack\'s export.',
  validateStack: () => undefined,
  check(plan, changes, baseline) {
    if (baseline === undefined) return [];
    const locks = baseline.resources
      .filter((r) => r.type === LOCK_TYPE && r.inputs["level"] === "CanNotDelete")
      .map((l) => ({ lock: l, scope: scopeOf(l) }))
      .filter((l): l is { lock: BaselineResource; scope: string } => l.scope !== undefined);
    const before = new Map(baseline.resources.map((r) => [r.urn, r]));
    const results: PolicyResult[] = [];
    for (const c of changes.changes.filter((x) => x.custom && (x.op === "delete" || x.op === "replace") && x.type !== LOCK_TYPE)) {
      const old = before.get(c.urn);
      const scope = old !== undefined ? scopeOf(old) : undefined;
      const id = old?.id?.toLowerCase();
      if (scope === undefined || c.protect) continue;
      for (const { lock, scope: locked } of locks) {
        // The locked resource itself is protected; what sits on it (extension) or below it (child) is not.
        if (id === locked) continue;
        if (scope !== locked && !scope.startsWith(`${locked}/`) && !(id !== undefined && id.startsWith(`${locked}/`))) continue;
        results.push(
          blocking(
            planAuthorizationDisallowDeleteUnderLock,
            c.urn,
            `${c.type} '${c.name}' would be ${c.op === "delete" ? "deleted" : "replaced (deleted and created)"}, but its scope ${scope} ` +
              `is under the CanNotDelete lock '${String(lock.inputs["lockName"] ?? "")}' (${nameOfUrn(lock.urn)}). Azure refuses the ` +
              `delete with ScopeLocked ("A cannot-delete lock on a resource ... prevents the deletion of Azure RBAC assignments"; ` +
              `"you're unable to delete the diagnostic setting"), and the update stops there. Source: ${LEARN_LOCKS}`,
          ),
        );
        break;
      }
    }
    return results;
  },
};

function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

const SUBNET_SOURCE = "https://github.com/hashicorp/terraform-provider-azurerm/issues/19781";

/** The changed paths of `c` that start with one of `roots`. */
function changedUnder(c: ResourceChange, roots: string[]): string[] {
  return c.diffs.map((d) => d.path).filter((p) => roots.some((r) => p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`)));
}

/**
 * A new prefix on a deployed subnet, or a deployed address range taken out of the virtual network. Azure updates
 * neither in place while something uses them ("subnets in use could not be updated": remove what uses the subnet,
 * update, add it back; hashicorp/terraform-provider-azurerm#19781, maintainer answer), and the token API's VNet
 * integration and the vault's private endpoint always use them. So the network's prefixes are create-only in practice.
 */
export const planNetworkDisallowPrefixChange: PlanRule = {
  name: "plan-network-disallow-prefix-change",
  description: "No deployment changes a deployed subnet's prefix or removes a deployed address range of the virtual network.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Keep `network.addressSpace`, `appServiceSubnetPrefix` and `privateEndpointSubnetPrefix` as deployed. A new layout needs a new network: " +
    'the procedure in README "Deploy to Azure" (remove what uses the subnets, then change them).',
  validateStack: () => undefined,
  check(_plan, changes) {
    if (changes.baseline === undefined) return [];
    const results: PolicyResult[] = [];
    for (const c of changes.changes.filter((x) => x.op === "update" || x.op === "replace")) {
      if (c.type === "azure-native:network:Subnet") {
        const paths = changedUnder(c, ["addressPrefix", "addressPrefixes"]);
        if (paths.length === 0) continue;
        const d = c.diffs.find((x) => x.path === paths[0])!;
        results.push(
          blocking(
            planNetworkDisallowPrefixChange,
            c.urn,
            `azure-native:network:Subnet '${c.name}' changes ${paths[0]} from ${JSON.stringify(d.before)} to ${JSON.stringify(d.after)}. ` +
              `The subnet is in use (VNet integration or a private endpoint), and Azure does not update a subnet in use ` +
              `("subnets in use could not be updated"). Source: ${SUBNET_SOURCE}`,
          ),
        );
      }
      if (c.type === "azure-native:network:VirtualNetwork") {
        const paths = changedUnder(c, ["addressSpace"]);
        if (paths.length === 0) continue;
        const d = c.diffs.find((x) => x.path === paths[0])!;
        const before = Array.isArray(d.before) ? d.before : [d.before];
        const after = Array.isArray(d.after) ? d.after : [d.after];
        const removed = before.filter((p) => p !== undefined && !after.includes(p));
        if (removed.length === 0) continue;
        results.push(
          blocking(
            planNetworkDisallowPrefixChange,
            c.urn,
            `azure-native:network:VirtualNetwork '${c.name}' removes the address range ${removed.map((x) => JSON.stringify(x)).join(", ")}, ` +
              `which holds its subnets. Azure does not update subnets in use nor remove a range a subnet sits in ` +
              `("subnets in use could not be updated"). Source: ${SUBNET_SOURCE}`,
          ),
        );
      }
    }
    return results;
  },
};

const BUDGET_SOURCE = "https://github.com/MicrosoftDocs/azure-docs/issues/34023";

/**
 * An update of a deployed budget. azure-native updates with a plain PUT that carries no `eTag`, and Cost Management has
 * answered such a re-PUT with 400 "There are changes made to Budget ... Please get the latest budget to avoid
 * overwrite" (MicrosoftDocs/azure-docs#34023, reported for an older API; not verified for 2024-08-01, which keeps the
 * optional `eTag` "to handle concurrent update scenario"). Reading the eTag first would change the input on every run,
 * and a replacement would re-send the kept start date, which Cost Management refuses once its month has passed. So
 * the plan treats the budget as create-only and names the change; the README gives the manual step.
 */
export const planBudgetDisallowUpdate: PlanRule = {
  name: "plan-budget-disallow-update",
  description: "No deployment re-PUTs a deployed Cost Management budget without its eTag.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Delete the budget (`az consumption budget delete --budget-name <name> --resource-group <rg>`), `pulumi refresh`, then `pulumi up` creates it " +
    'with the new settings and the current month as start (README "Deploy to Azure").',
  validateStack: () => undefined,
  check(_plan, changes) {
    if (changes.baseline === undefined) return [];
    return changes.changes
      .filter((c) => c.type === "azure-native:costmanagement:Budget" && c.op === "update")
      .map((c) =>
        blocking(
          planBudgetDisallowUpdate,
          c.urn,
          `azure-native:costmanagement:Budget '${c.name}' changes ${c.diffs.map((d) => d.path).join(", ")} of the deployed budget. azure-native ` +
            `re-PUTs it without its eTag, which Cost Management has refused ("There are changes made to Budget ... Please get the latest ` +
            `budget to avoid overwrite"; unverified for API 2024-08-01). Source: ${BUDGET_SOURCE}`,
        ),
      );
  },
};

const ZONE_REDUNDANCY_SOURCES =
  "https://learn.microsoft.com/azure/storage/common/redundancy-migration, " +
  "https://learn.microsoft.com/powershell/module/az.storage/start-azstorageaccountmigration, " +
  "https://github.com/hashicorp/terraform-provider-azurerm/issues/6526";

/** Whether a storage SKU keeps its copies in several zones of the primary region (ZRS, GZRS, RA-GZRS, Premium_ZRS). */
export function isZoneRedundantSku(sku: unknown): boolean {
  return typeof sku === "string" && /ZRS$/i.test(sku);
}

/**
 * A deployed storage account whose SKU gains or loses zone redundancy (LRS to ZRS, ZRS to LRS, GRS to GZRS...). That
 * is not a property update: Learn's "Change how a storage account is replicated" says adding or removing zone
 * redundancy needs a conversion (or a manual migration) while geo-redundancy and read access change in place, and an
 * update of the SKU alone has been answered with StorageAccountTypeConversionNotAllowed
 * (hashicorp/terraform-provider-azurerm#6526). azure-native updates the SKU in place (it is not force-new, so the
 * catalog does not list it create-only: a replacement would delete the data), hence the plan names the change. The
 * conversion is a separate ARM action (Start-AzStorageAccountMigration, "to change its redundancy level"); once it
 * has completed, `pulumi refresh` reads the new SKU and `pulumi up` has nothing left to change.
 */
export const planStorageDisallowZoneRedundancyUpdate: PlanRule = {
  name: "plan-storage-disallow-zone-redundancy-update",
  description: "No deployment changes the zone redundancy of a deployed storage account through its SKU.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Start the conversion first (portal Redundancy blade, or `Start-AzStorageAccountMigration -TargetSku <sku>`), wait until it reports " +
    "completed, `pulumi refresh`, then `pulumi up`; or keep the deployed SKU.",
  validateStack: () => undefined,
  check(_plan, changes) {
    if (changes.baseline === undefined) return [];
    const results: PolicyResult[] = [];
    for (const c of changes.changes.filter((x) => x.type === T.storageAccount && x.op === "update")) {
      const d = c.diffs.find((x) => x.path === "sku.name" || x.path === "sku");
      if (d === undefined) continue;
      const name = (v: unknown) => (typeof v === "object" && v !== null ? (v as { name?: unknown }).name : v);
      const [before, after] = [name(d.before), name(d.after)];
      if (isZoneRedundantSku(before) === isZoneRedundantSku(after)) continue;
      results.push(
        blocking(
          planStorageDisallowZoneRedundancyUpdate,
          c.urn,
          `azure-native:storage:StorageAccount '${c.name}' changes sku.name from ${JSON.stringify(before)} to ${JSON.stringify(after)}, ` +
            `which ${isZoneRedundantSku(after) ? "adds" : "removes"} zone redundancy: Azure does that by a conversion, not by an update of the ` +
            `SKU (StorageAccountTypeConversionNotAllowed). Sources: ${ZONE_REDUNDANCY_SOURCES}`,
        ),
      );
    }
    return results;
  },
};

const SAME_ID_SOURCES =
  "https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/provider/provider.go, " +
  "https://www.pulumi.com/docs/iac/concepts/resources/options/deletebeforereplace/";

/**
 * A replacement that Pulumi would create under the ARM id the deployed resource still holds. Pulumi replaces create
 * first unless the resource or its provider asks for delete first. azure-native asks for it only when its own diff
 * finds a force-new property (its Diff: `DeleteBeforeReplace: len(replaces) > 0`, unless the name was generated), so a
 * replacement that only `replaceOnChanges` (or a create-only property azure-native does not know, catalog
 * `replacedBy: "program"`) triggers is created first. Under an unchanged explicit name, azure-native's Create then
 * stops with "cannot create already existing resource" (provider.go, defaultCreate via CanCreate), and the `up` fails.
 * The fix is a name that changes with the property (the NAT gateway's public IP carries its zones) or
 * `deleteBeforeReplace` when nothing holds the resource while it is gone.
 */
export const planReplacementDisallowCreateOverSameId: PlanRule = {
  name: "plan-replacement-disallow-create-over-same-id",
  description: "No replacement creates its new resource under the ARM id the deployed resource still holds.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Give the resource a name that changes with the property that replaces it (as the NAT gateway's public IP carries its zones), " +
    "or set `deleteBeforeReplace: true` when nothing refers to the resource while it is deleted and created again.",
  validateStack: () => undefined,
  check(plan, changes, baseline) {
    if (baseline === undefined) return [];
    const planned = new Map(plan.resources.map((r) => [r.urn, r]));
    const results: PolicyResult[] = [];
    for (const c of changes.changes.filter((x) => x.custom && x.op === "replace")) {
      const r = planned.get(c.urn);
      const entry = azureType(c.type);
      const nameKey = entry && nameInput(entry);
      if (r === undefined || entry === undefined || nameKey === undefined || r.options.deleteBeforeReplace === true) continue;
      // An auto-named resource gets a new random name, and azure-native creates it first on purpose.
      if (typeof r.inputs[nameKey] !== "string") continue;
      const paths = c.diffs.map((d) => d.path);
      const params = pathParams(entry);
      // A new id (a changed name or scope) is a new resource; a force-new property makes azure-native delete first.
      if (paths.some((p) => params.some((k) => under(p, k)))) continue;
      if (paths.some((p) => entry.createOnly.some((co) => co.replacedBy !== "program" && under(p, co.path)))) continue;
      const by = paths.filter(
        (p) =>
          (r.options.replaceOnChanges ?? []).some((k) => k === "*" || under(p, k)) ||
          entry.createOnly.some((co) => co.replacedBy === "program" && under(p, co.path)),
      );
      if (by.length === 0) continue;
      results.push(
        blocking(
          planReplacementDisallowCreateOverSameId,
          c.urn,
          `${c.type} '${c.name}' is replaced for ${by.join(", ")} under the same ARM id (${nameKey} ${JSON.stringify(r.inputs[nameKey])} ` +
            `unchanged). Pulumi creates the replacement first (azure-native asks for delete-before-replace only for its own force-new ` +
            `properties), and azure-native refuses to create over the deployed resource ("cannot create already existing resource"). ` +
            `Sources: ${SAME_ID_SOURCES}`,
        ),
      );
    }
    return results;
  },
};

/** Every rule of the plan, in the order they run. */
export const PLAN_RULES: readonly PlanRule[] = [
  planCommunicationDisallowNewDomainLink,
  planCommunicationDisallowRetiredService,
  planAuthorizationDisallowDeleteUnderLock,
  planNetworkDisallowPrefixChange,
  planBudgetDisallowUpdate,
  planStorageDisallowZoneRedundancyUpdate,
  planReplacementDisallowCreateOverSameId,
];

/** Runs the plan's rules over the evaluated plan, its change set and the baseline it was compared with. */
export function runPlanRules(plan: Pick<PlanResult, "resources">, changes: ChangeSet, baseline?: Baseline): PolicyResult[] {
  return PLAN_RULES.flatMap((rule) => rule.check(plan, changes, baseline));
}
