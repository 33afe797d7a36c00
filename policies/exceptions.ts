// The one list of reviewed exceptions to the pack's policies: a policy that does not fit one resource of one stack,
// why, and what compensates. The offline plan reads it and reports every match as excepted (never as a silent pass);
// docs/policies.md is generated from it beside the PSRule for Azure rule each policy covers.
import type { StackName } from "./psrule-types";

/** One reviewed exception: `policy` does not apply to `resources` in `stacks`, for `why`. */
export interface PolicyException {
  /** The pack policy whose violation is excepted (a name from policies/policies.ts). */
  policy: string;
  /** The PSRule for Azure rule the exception is about, e.g. "Azure.Storage.LocalAuth", when the policy covers one. */
  psRule?: string;
  /** The stacks it holds for. */
  stacks: readonly StackName[];
  /** Pulumi logical names of the resources it covers (the last segment of the URN), e.g. "acsplat-token-api-package". */
  resources: readonly string[];
  /** Why the rule does not fit here, in a sentence or two. */
  why: string;
  /** What limits the risk instead. */
  compensatingControls: string;
  /** Public sources for the decision (Learn, the rule's own page, the provider issue). */
  sources: readonly string[];
  /** Who reviewed it and when (YYYY-MM-DD). */
  reviewed: { by: string; on: string };
}

/** Who reviewed the storage exceptions below and when. */
const STORAGE_REVIEW = { by: "psrule-storage session (for the platform lead's sign-off)", on: "2026-12-07" } as const;

export const POLICY_EXCEPTIONS: readonly PolicyException[] = [
  {
    policy: "storage-account-disable-shared-key-access",
    psRule: "Azure.Storage.LocalAuth",
    stacks: ["dev", "prod"],
    resources: ["acsplat-token-api-packages"],
    why:
      "azure-native's storage.Blob uploads the run-from-package zip with the account key: it lists the account's keys and signs with " +
      "them, kept so in v3 so that deployers need no data role (pulumi-azure-native #3719, merged); writing a blob to an account " +
      "without shared keys is an open request (#2015). The package account is the only one that keeps keys.",
    compensatingControls:
      "The account holds only the content-addressed build artifact, no data; anonymous blob access is off; the app reads the " +
      "package with its user-assigned identity (Storage Blob Data Reader), never a key or SAS; the keys are reachable only through " +
      "ARM listKeys, i.e. by principals with write access to the account; blob diagnostics go to Log Analytics.",
    sources: [
      "https://github.com/pulumi/pulumi-azure-native/pull/3719",
      "https://github.com/pulumi/pulumi-azure-native/issues/2015",
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Storage.LocalAuth/",
    ],
    reviewed: STORAGE_REVIEW,
  },
  {
    policy: "storage-account-configure-public-network-access",
    psRule: "Azure.Storage.Firewall",
    stacks: ["dev", "prod"],
    resources: ["acsplat-token-api-packages"],
    why:
      "App Service fetches a WEBSITE_RUN_FROM_PACKAGE URL itself at start-up; Learn documents reading a private package with a SAS " +
      "or a managed identity but no network path for that fetch through a storage firewall, and the deployer uploads the package " +
      "from wherever `pulumi up` runs. A Deny could leave the app unable to mount its code.",
    compensatingControls:
      "Same as its shared-key exception: build artifact only, no anonymous access, Entra-authenticated reads by the app's identity, " +
      "keys only through ARM listKeys, blob diagnostics in Log Analytics. The data accounts (mapping table, events, chat archive) deny by default in prod.",
    sources: [
      "https://learn.microsoft.com/azure/app-service/deploy-run-package",
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Storage.Firewall/",
    ],
    reviewed: STORAGE_REVIEW,
  },
  {
    policy: "storage-account-configure-public-network-access",
    psRule: "Azure.Storage.Firewall",
    stacks: ["dev"],
    resources: ["acsplat-token-api-data", "acsplat-events-storage", "acsplat-chat-archive-storage"],
    why:
      "Dev has no network (no VNet integration), so the token API reaches its mapping table from App Service's shared outbound " +
      "addresses, which a storage IP rule cannot admit from the same region; and dev's operators (smoke test, archive-chat) have no " +
      "fixed address range. `storage.networkDefaultAction: Deny` is refused without `network.enabled`.",
    compensatingControls:
      "Every request still needs an Entra identity with a data role (shared keys are off on these accounts); HTTPS and TLS 1.2 only; " +
      "no anonymous access; dev holds test data only. Prod denies by default.",
    sources: [
      "https://learn.microsoft.com/azure/storage/common/storage-network-security",
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Storage.Firewall/",
    ],
    reviewed: STORAGE_REVIEW,
  },
  {
    policy: "storage-account-configure-replication",
    psRule: "Azure.Storage.UseReplication",
    stacks: ["dev"],
    resources: ["acsplat-token-api-data", "acsplat-token-api-packages", "acsplat-events-storage", "acsplat-chat-archive-storage"],
    why:
      "Dev is cheap and disposable: locally redundant storage for its mapping table, package, event queues and (unprotected) chat " +
      "archive; losing a datacenter loses only test data.",
    compensatingControls:
      "Prod's token API accounts and event account are zone-redundant (ZRS) and its chat archive geo-redundant (GRS); dev data is " +
      "recreated by `pulumi up` and the test suites.",
    sources: ["https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Storage.UseReplication/"],
    reviewed: STORAGE_REVIEW,
  },
];
