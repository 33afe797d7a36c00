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

/** Who reviewed the exceptions of issue #29 and when: the decision record that states them. */
const PSRULE_REVIEW = { by: "issue #29, docs/decisions/0031-psrule-remaining-rules.md", on: "2026-12-07" } as const;
/** Dev is the cheap, disposable environment (Pulumi.dev.yaml's opening comment); its trade-offs are the ones below. */
const DEV_IS_DISPOSABLE = "dev holds no user data that outlives a teardown and serves no end users (Pulumi.dev.yaml)";

/** Who reviewed the storage exceptions and when: the decision record that states them. */
const STORAGE_REVIEW = { by: "issue #29, docs/decisions/0030-storage-accounts-against-psrule.md", on: "2026-12-07" } as const;

export const POLICY_EXCEPTIONS: readonly PolicyException[] = [
  {
    policy: "loganalytics-workspace-enable-replication",
    psRule: "Azure.Log.Replication",
    stacks: ["dev", "prod"],
    resources: ["acsplat-observability-workspace"],
    why:
      "Workspace replication needs the `replication` property, which azure-native 3.28's Workspace (API 2023-09-01) does not have; " +
      "API 2025-02-01 has it, but only through a locally generated SDK (`pulumi package add azure-native operationalinsights " +
      "2025-02-01`), which needs the Pulumi CLI and cannot be verified offline. Learn still marks the feature Preview.",
    compensatingControls:
      "West Europe's Log Analytics workspaces are protected by availability zones at no charge (data and service resilience across " +
      "the region's zones); the workspace holds diagnostics and telemetry, not the platform's data (ACS, the mapping table and the " +
      "chat archive are stored elsewhere), and every alert also notifies by e-mail through the action group.",
    sources: [
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Log.Replication/",
      "https://learn.microsoft.com/azure/azure-monitor/logs/workspace-replication",
      "https://learn.microsoft.com/azure/azure-monitor/logs/availability-zones",
      "https://www.pulumi.com/registry/packages/azure-native/api-docs/operationalinsights/workspace/",
    ],
    reviewed: PSRULE_REVIEW,
  },
  {
    policy: "keyvault-vault-enable-purge-protection",
    psRule: "Azure.KeyVault.PurgeProtect",
    stacks: ["dev"],
    resources: ["acsplat-secrets-vault"],
    why:
      "Purge protection cannot be turned off once on and blocks a purge until the retention ends, so a destroyed dev vault's " +
      "name could not be reused for up to the retention period; dev is torn down and recreated (README, keyVault.enablePurgeProtection).",
    compensatingControls:
      `Soft delete stays on (keyvault-vault-enable-soft-delete, 7 days in dev); the vault holds only the ACS connection string and the ` +
      `telemetry connection string, both recreated by a deploy; ${DEV_IS_DISPOSABLE}. prod keeps purge protection (mandatory).`,
    sources: [
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.KeyVault.PurgeProtect/",
      "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
    ],
    reviewed: PSRULE_REVIEW,
  },
  {
    policy: "keyvault-vault-configure-public-network-access",
    psRule: "Azure.KeyVault.Firewall",
    stacks: ["dev"],
    resources: ["acsplat-secrets-vault"],
    why:
      "dev has no private network (network.enabled: false, no NAT gateway or private endpoint cost), so the token API reaches its " +
      "vault over the public endpoint; a vault firewall would lock the app out.",
    compensatingControls:
      "Data-plane access is Entra RBAC only (keyvault-vault-enable-rbac-authorization): the app's identity holds Key Vault Secrets " +
      `User on this vault and nobody else holds a data role; ${DEV_IS_DISPOSABLE}. prod denies public traffic (mandatory).`,
    sources: [
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.KeyVault.Firewall/",
      "https://learn.microsoft.com/azure/key-vault/general/network-security",
    ],
    reviewed: PSRULE_REVIEW,
  },
  {
    policy: "web-appserviceplan-enforce-minimum-tier",
    psRule: "Azure.AppService.MinPlan",
    stacks: ["dev"],
    resources: ["acsplat-token-api-plan"],
    why: "dev runs the token API on B1 to keep its cost low (tokenApi.plan.skuName: B1); it carries test traffic only.",
    compensatingControls: `The same program deploys prod on P1v3, which the policy holds (mandatory); ${DEV_IS_DISPOSABLE}.`,
    sources: [
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.MinPlan/",
      "https://learn.microsoft.com/azure/app-service/overview-hosting-plans",
    ],
    reviewed: PSRULE_REVIEW,
  },
  {
    policy: "web-appserviceplan-configure-instance-count",
    psRule: "Azure.AppService.PlanInstanceCount",
    stacks: ["dev"],
    resources: ["acsplat-token-api-plan"],
    why: "dev runs one instance (tokenApi.plan.instanceCount: 1) for cost; an outage of it interrupts testing only.",
    compensatingControls:
      "Multi-instance behaviour (shared mapping table, rotation) is tested locally with two token API instances (npm run dev); prod " +
      `runs two (mandatory here, and the prod config schema refuses fewer); ${DEV_IS_DISPOSABLE}.`,
    sources: ["https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.PlanInstanceCount/"],
    reviewed: PSRULE_REVIEW,
  },
  {
    policy: "web-appserviceplan-enable-zone-redundancy",
    psRule: "Azure.AppService.AvailabilityZone",
    stacks: ["dev"],
    resources: ["acsplat-token-api-plan"],
    why: "B1 cannot be zone-redundant (zone redundancy needs Premium v2/v3/v4 or Isolated v2 with at least two instances); dev keeps B1 for cost.",
    compensatingControls: `prod is zone-redundant on P1v3 with two instances (mandatory here and in the prod config schema); ${DEV_IS_DISPOSABLE}.`,
    sources: [
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.AvailabilityZone/",
      "https://learn.microsoft.com/azure/reliability/reliability-app-service",
    ],
    reviewed: PSRULE_REVIEW,
  },
  {
    policy: "web-webapp-enable-always-on",
    psRule: "Azure.AppService.AlwaysOn",
    stacks: ["dev"],
    resources: ["acsplat-token-api-app"],
    why:
      "dev lets App Service unload the idle app (tokenApi.alwaysOn: false): the first request after idle time waits for a cold " +
      "start, acceptable for test traffic.",
    compensatingControls:
      "An erase interrupted while the app is unloaded is finished by a later sweep once it is loaded again " +
      `(docs/decisions/0015-token-api-trade-offs.md); prod keeps Always On (mandatory); ${DEV_IS_DISPOSABLE}.`,
    sources: [
      "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AppService.AlwaysOn/",
      "https://learn.microsoft.com/azure/app-service/configure-common",
    ],
    reviewed: PSRULE_REVIEW,
  },
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
