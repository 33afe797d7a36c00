// Tests that every resource policy handles values unknown during preview as the engine does: touching one yields
// exactly one advisory "can't run policy ... during preview" result, never a violation or a crash.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { allPolicies, PACK_VERSION } from "../../policies/policies";
import { runResource, UNKNOWN } from "./helpers";

/** A type each resource policy applies to. */
const APPLIES_TO: Record<string, string> = {
  "azure-resource-missing-required-tags": "azure-native:keyvault:Vault",
  "azure-resource-enforce-allowed-regions": "azure-native:keyvault:Vault",
  "communication-service-enforce-data-location": "azure-native:communication:CommunicationService",
  "azure-resource-configure-naming-convention": "azure-native:keyvault:Vault",
  "keyvault-vault-enable-rbac-authorization": "azure-native:keyvault:Vault",
  "keyvault-vault-enable-soft-delete": "azure-native:keyvault:Vault",
  "keyvault-vault-enable-purge-protection": "azure-native:keyvault:Vault",
  "keyvault-vault-configure-public-network-access": "azure-native:keyvault:Vault",
  "web-webapp-enable-https-only": "azure-native:web:WebApp",
  "web-webapp-configure-min-tls-version": "azure-native:web:WebApp",
  "web-webapp-disable-ftp": "azure-native:web:WebApp",
  "web-webapp-disable-remote-debugging": "azure-native:web:WebApp",
  "web-webapp-enable-managed-identity": "azure-native:web:WebApp",
  "web-webapp-configure-health-check-path": "azure-native:web:WebApp",
  "web-webapp-disallow-plain-secrets": "azure-native:web:WebApp",
  "storage-account-enable-https-only": "azure-native:storage:StorageAccount",
  "storage-account-configure-min-tls-version": "azure-native:storage:StorageAccount",
  "storage-account-disallow-blob-public-access": "azure-native:storage:StorageAccount",
  "storage-account-configure-public-network-access": "azure-native:storage:StorageAccount",
  "storage-account-disable-shared-key-access": "azure-native:storage:StorageAccount",
  "storage-account-configure-replication": "azure-native:storage:StorageAccount",
  "loganalytics-workspace-configure-retention": "azure-native:operationalinsights:Workspace",
  "loganalytics-workspace-configure-daily-cap": "azure-native:operationalinsights:Workspace",
  "eventgrid-subscription-configure-dead-letter": "azure-native:eventgrid:SystemTopicEventSubscription",
  "eventgrid-subscription-configure-retry-policy": "azure-native:eventgrid:SystemTopicEventSubscription",
  "eventgrid-subscription-enforce-acs-event-types": "azure-native:eventgrid:SystemTopicEventSubscription",
  "communication-domain-disable-engagement-tracking": "azure-native:communication:Domain",
  "communication-domain-disallow-azure-managed": "azure-native:communication:Domain",
  "web-webapp-configure-token-lifetime": "azure-native:web:WebApp",
  "web-webapp-enforce-allowed-scopes": "azure-native:web:WebApp",
  "web-webapp-disallow-chat-scope-in-prod": "azure-native:web:WebApp",
  "network-subnet-missing-network-security-group": "azure-native:network:Subnet",
  "communication-sender-disallow-default-username": "azure-native:communication:SenderUsername",
  "costmanagement-budget-enforce-start-date-window": "azure-native:costmanagement:Budget",
  "web-webapp-enforce-route-all-for-keyvault-references": "azure-native:web:WebApp",
  "web-appserviceplan-enforce-sku-tier": "azure-native:web:AppServicePlan",
  "web-webapp-disallow-end-of-life-runtime": "azure-native:web:WebApp",
  "web-webapp-enable-always-on": "azure-native:web:WebApp",
  "web-appserviceplan-enforce-minimum-tier": "azure-native:web:AppServicePlan",
  "web-appserviceplan-configure-instance-count": "azure-native:web:AppServicePlan",
  "web-appserviceplan-enable-zone-redundancy": "azure-native:web:AppServicePlan",
  "loganalytics-workspace-enable-replication": "azure-native:operationalinsights:Workspace",
  "monitor-appinsights-disable-local-auth": "azure-native:applicationinsights:Component",
  "network-subnet-disable-default-outbound-access": "azure-native:network:Subnet",
  "network-publicip-configure-zones": "azure-native:network:PublicIPAddress",
  "azure-resource-enforce-name-limits": "azure-native:keyvault:Vault",
  "web-webapp-enable-http2": "azure-native:web:WebApp",
  "web-webapp-disable-client-affinity": "azure-native:web:WebApp",
  "web-webapp-enforce-min-php-version": "azure-native:web:WebApp",
  "monitor-metricalert-enable-auto-mitigate": "azure-native:monitor:MetricAlert",
  "monitor-logalert-disallow-high-frequency": "azure-native:monitor:ScheduledQueryRule",
  "monitor-appinsights-configure-workspace": "azure-native:applicationinsights:Component",
  "network-nsg-disallow-any-inbound-source": "azure-native:network:NetworkSecurityGroup",
  "network-nsg-disallow-lateral-traversal": "azure-native:network:NetworkSecurityGroup",
  "network-nsg-disallow-deny-all-inbound": "azure-native:network:NetworkSecurityGroup",
  "network-publicip-enforce-standard-sku": "azure-native:network:PublicIPAddress",
  "network-vnet-disallow-single-dns-server": "azure-native:network:VirtualNetwork",
};

/** Every top-level input the policies read, each unknown. */
const allUnknown = Object.fromEntries(
  [
    "properties",
    "siteConfig",
    "httpsOnly",
    "identity",
    "tags",
    "location",
    "dataLocation",
    "vaultName",
    "enableHttpsTrafficOnly",
    "minimumTlsVersion",
    "allowBlobPublicAccess",
    "networkRuleSet",
    "allowSharedKeyAccess",
    "retentionInDays",
    "workspaceCapping",
    "deadLetterWithResourceIdentity",
    "deadLetterDestination",
    "retryPolicy",
    "filter",
    "userEngagementTracking",
    "domainManagement",
    "username",
    "senderUsername",
    "timePeriod",
    "kind",
    "sku",
    "subnetName",
    "features",
    "replication",
    "disableLocalAuth",
    "zoneRedundant",
    "zones",
    "clientAffinityEnabled",
    "autoMitigate",
    "evaluationFrequency",
    "workspaceResourceId",
    "securityRules",
    "dhcpOptions",
  ].map((k) => [k, UNKNOWN.string]),
);

const resourcePolicies = allPolicies.filter((p): p is typeof p & ResourceValidationPolicy => "validateResource" in p);

describe("unknown values during preview", () => {
  it("every resource policy has a type in this table", () => {
    expect(resourcePolicies.map((p) => p.name).filter((n) => !APPLIES_TO[n])).toEqual([]);
  });
  it.each(resourcePolicies.map((p) => [p.name, p]))("%s reports one advisory preview diagnostic", async (name, p) => {
    const r = await runResource(p, APPLIES_TO[name]!, allUnknown);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ policy: name, level: "advisory", kind: "unknown" });
    expect(r.results[0]!.message).toMatch(
      new RegExp(
        `^can't run policy '${name}' from policy pack 'acs-platform@v${PACK_VERSION.replace(/\./g, "\\.")}' during preview: string value at \\.[a-zA-Z]+ can't be known during preview$`,
      ),
    );
  });
});
