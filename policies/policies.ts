// The one list of every policy in the pack, ordered by group (policies/lib.ts POLICY_GROUPS) and in report order
// within a group; the pack entry, the offline plan and the tests import this module (never index.ts, whose
// PolicyPack starts a gRPC server). A policy states no enforcement level unless it differs from PACK_ENFORCEMENT_LEVEL;
// the stack's policies/config/<env>.json decides per environment.
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import packageJson from "./package.json";
import { azureResourceConfigureNamingConvention } from "./azure-resource-configure-naming-convention";
import { azureResourceEnforceAllowedRegions } from "./azure-resource-enforce-allowed-regions";
import { azureResourceMissingRequiredTags } from "./azure-resource-missing-required-tags";
import { communicationDomainDisableEngagementTracking } from "./communication-domain-disable-engagement-tracking";
import { communicationDomainDisallowAzureManaged } from "./communication-domain-disallow-azure-managed";
import { communicationServiceEnforceDataLocation } from "./communication-service-enforce-data-location";
import { webAppserviceplanEnforceSkuTier } from "./web-appserviceplan-enforce-sku-tier";
import { costmanagementBudgetEnforceStartDateWindow } from "./costmanagement-budget-enforce-start-date-window";
import { communicationServiceDisallowUnverifiedDomainLink } from "./communication-service-disallow-unverified-domain-link";
import { monitorLogalertConfigureSkipQueryValidation } from "./monitor-logalert-configure-skip-query-validation";
import { communicationDomainDisallowDefaultSendingLimits } from "./communication-domain-disallow-default-sending-limits";
import { communicationSenderDisallowDefaultUsername } from "./communication-sender-disallow-default-username";
import { webWebappDisallowEndOfLifeRuntime } from "./web-webapp-disallow-end-of-life-runtime";
import { webWebappEnforceRolesBeforeStartup } from "./web-webapp-enforce-roles-before-startup";
import { webWebappEnforceRouteAllForKeyvaultReferences } from "./web-webapp-enforce-route-all-for-keyvault-references";
import { eventgridSubscriptionConfigureDeadLetter } from "./eventgrid-subscription-configure-dead-letter";
import { eventgridSubscriptionConfigureRetryPolicy } from "./eventgrid-subscription-configure-retry-policy";
import { eventgridSubscriptionEnforceAcsEventTypes } from "./eventgrid-subscription-enforce-acs-event-types";
import { keyvaultVaultConfigurePublicNetworkAccess } from "./keyvault-vault-configure-public-network-access";
import { keyvaultVaultEnablePurgeProtection } from "./keyvault-vault-enable-purge-protection";
import { keyvaultVaultEnableRbacAuthorization } from "./keyvault-vault-enable-rbac-authorization";
import { keyvaultVaultEnableSoftDelete } from "./keyvault-vault-enable-soft-delete";
import { loganalyticsWorkspaceConfigureDailyCap } from "./loganalytics-workspace-configure-daily-cap";
import { loganalyticsWorkspaceConfigureRetention } from "./loganalytics-workspace-configure-retention";
import { monitorActiongroupMissingReceiver } from "./monitor-actiongroup-missing-receiver";
import { monitorAlertsMissingCoverage } from "./monitor-alerts-missing-coverage";
import { monitorDiagnosticsMissingDiagnosticSetting } from "./monitor-diagnostics-missing-diagnostic-setting";
import { networkSubnetMissingNetworkSecurityGroup } from "./network-subnet-missing-network-security-group";
import { storageAccountConfigureMinTlsVersion } from "./storage-account-configure-min-tls-version";
import { storageAccountDisallowBlobPublicAccess } from "./storage-account-disallow-blob-public-access";
import { storageAccountEnableHttpsOnly } from "./storage-account-enable-https-only";
import { storageAccountConfigurePublicNetworkAccess } from "./storage-account-configure-public-network-access";
import { storageAccountDisableSharedKeyAccess } from "./storage-account-disable-shared-key-access";
import { storageAccountEnableSoftDelete } from "./storage-account-enable-soft-delete";
import { storageAccountConfigureReplication } from "./storage-account-configure-replication";
import { webWebappConfigureTokenLifetime } from "./web-webapp-configure-token-lifetime";
import { webWebappEnforceAllowedScopes } from "./web-webapp-enforce-allowed-scopes";
import { webWebappDisallowChatScopeInProd } from "./web-webapp-disallow-chat-scope-in-prod";
import { webWebappConfigureHealthCheckPath } from "./web-webapp-configure-health-check-path";
import { webWebappConfigureMinTlsVersion } from "./web-webapp-configure-min-tls-version";
import { webWebappDisableFtp } from "./web-webapp-disable-ftp";
import { webWebappDisableRemoteDebugging } from "./web-webapp-disable-remote-debugging";
import { webWebappDisallowPlainSecrets } from "./web-webapp-disallow-plain-secrets";
import { webWebappEnableHttpsOnly } from "./web-webapp-enable-https-only";
import { webWebappEnableManagedIdentity } from "./web-webapp-enable-managed-identity";
import { monitorAppinsightsDisableLocalAuth } from "./monitor-appinsights-disable-local-auth";
import { networkSubnetDisableDefaultOutboundAccess } from "./network-subnet-disable-default-outbound-access";
import { networkPublicipConfigureZones } from "./network-publicip-configure-zones";
import { loganalyticsWorkspaceEnableReplication } from "./loganalytics-workspace-enable-replication";
import { webAppserviceplanConfigureInstanceCount } from "./web-appserviceplan-configure-instance-count";
import { webAppserviceplanEnableZoneRedundancy } from "./web-appserviceplan-enable-zone-redundancy";
import { webAppserviceplanEnforceMinimumTier } from "./web-appserviceplan-enforce-minimum-tier";
import { webWebappEnableAlwaysOn } from "./web-webapp-enable-always-on";
import { azureResourceEnforceNameLimits } from "./azure-resource-enforce-name-limits";
import { monitorAppinsightsConfigureWorkspace } from "./monitor-appinsights-configure-workspace";
import { monitorLogalertDisallowHighFrequency } from "./monitor-logalert-disallow-high-frequency";
import { monitorMetricalertEnableAutoMitigate } from "./monitor-metricalert-enable-auto-mitigate";
import { networkNsgDisallowAnyInboundSource } from "./network-nsg-disallow-any-inbound-source";
import { networkNsgDisallowDenyAllInbound } from "./network-nsg-disallow-deny-all-inbound";
import { networkNsgDisallowLateralTraversal } from "./network-nsg-disallow-lateral-traversal";
import { networkPublicipEnforceStandardSku } from "./network-publicip-enforce-standard-sku";
import { networkVnetDisallowSingleDnsServer } from "./network-vnet-disallow-single-dns-server";
import { webWebappDisableClientAffinity } from "./web-webapp-disable-client-affinity";
import { webWebappEnableHttp2 } from "./web-webapp-enable-http2";
import { webWebappEnforceMinPhpVersion } from "./web-webapp-enforce-min-php-version";
import { POLICY_EXCEPTIONS } from "./exceptions";
import { type Grouped, honourExceptions } from "./lib";

/** Name of the pack as `pulumi preview` reports it. */
export const PACK_NAME = "acs-platform";
/** Version of the pack: PolicyPack reads it from policies/package.json, and so does the offline plan. */
export const PACK_VERSION: string = packageJson.version;
/**
 * The level of every policy that states none: the engine takes the config's level for the policy, else the
 * policy's own, else the pack's (https://github.com/pulumi/pulumi-policy/blob/master/sdk/nodejs/policy/server.ts,
 * `policyPackConfig[p.name]?.enforcementLevel || p.enforcementLevel || policyPackEnforcementLevel`).
 */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const allPolicies: Array<Policies[number] & Grouped> = [
  // resources
  azureResourceMissingRequiredTags,
  azureResourceEnforceAllowedRegions,
  azureResourceEnforceNameLimits,
  azureResourceConfigureNamingConvention,
  // communication
  communicationServiceEnforceDataLocation,
  communicationDomainDisableEngagementTracking,
  communicationDomainDisallowAzureManaged,
  // keyvault
  keyvaultVaultEnableRbacAuthorization,
  keyvaultVaultEnableSoftDelete,
  keyvaultVaultEnablePurgeProtection,
  keyvaultVaultConfigurePublicNetworkAccess,
  // web
  webWebappEnableHttpsOnly,
  webWebappConfigureMinTlsVersion,
  webWebappDisableFtp,
  webWebappDisableRemoteDebugging,
  webWebappEnableManagedIdentity,
  webWebappConfigureHealthCheckPath,
  webWebappDisallowPlainSecrets,
  webWebappEnableAlwaysOn,
  webAppserviceplanEnforceMinimumTier,
  webAppserviceplanConfigureInstanceCount,
  webAppserviceplanEnableZoneRedundancy,
  webWebappEnableHttp2,
  webWebappDisableClientAffinity,
  webWebappEnforceMinPhpVersion,
  // storage
  storageAccountEnableHttpsOnly,
  storageAccountConfigureMinTlsVersion,
  storageAccountDisallowBlobPublicAccess,
  storageAccountConfigurePublicNetworkAccess,
  storageAccountDisableSharedKeyAccess,
  storageAccountEnableSoftDelete,
  storageAccountConfigureReplication,
  // operationalinsights
  loganalyticsWorkspaceConfigureRetention,
  loganalyticsWorkspaceConfigureDailyCap,
  loganalyticsWorkspaceEnableReplication,
  // monitor
  monitorDiagnosticsMissingDiagnosticSetting,
  monitorActiongroupMissingReceiver,
  monitorAlertsMissingCoverage,
  monitorAppinsightsDisableLocalAuth,
  monitorMetricalertEnableAutoMitigate,
  monitorLogalertDisallowHighFrequency,
  monitorAppinsightsConfigureWorkspace,
  // eventgrid
  eventgridSubscriptionConfigureDeadLetter,
  eventgridSubscriptionConfigureRetryPolicy,
  eventgridSubscriptionEnforceAcsEventTypes,
  // network
  networkSubnetMissingNetworkSecurityGroup,
  networkSubnetDisableDefaultOutboundAccess,
  networkPublicipConfigureZones,
  networkNsgDisallowAnyInboundSource,
  networkNsgDisallowLateralTraversal,
  networkNsgDisallowDenyAllInbound,
  networkPublicipEnforceStandardSku,
  networkVnetDisallowSingleDnsServer,
  // token-api
  webWebappConfigureTokenLifetime,
  webWebappEnforceAllowedScopes,
  webWebappDisallowChatScopeInProd,
  // deployability
  communicationServiceDisallowUnverifiedDomainLink,
  communicationSenderDisallowDefaultUsername,
  communicationDomainDisallowDefaultSendingLimits,
  costmanagementBudgetEnforceStartDateWindow,
  webWebappEnforceRouteAllForKeyvaultReferences,
  webWebappEnforceRolesBeforeStartup,
  webAppserviceplanEnforceSkuTier,
  monitorLogalertConfigureSkipQueryValidation,
  webWebappDisallowEndOfLifeRuntime,
];

/**
 * The policies as the real pack registers them (policies/index.ts): each skips a resource that a reviewed exception
 * (policies/exceptions.ts) covers in its stack. The offline plan runs `allPolicies` and reports those as excepted.
 */
export const packPolicies = honourExceptions(allPolicies, POLICY_EXCEPTIONS);
