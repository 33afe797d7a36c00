// The list of every policy in the pack, in report order; the pack entry, the offline plan and the tests import
// this module (never index.ts, whose PolicyPack starts a gRPC server).
import type { Policies } from "@pulumi/policy";
import packageJson from "./package.json";
import { azureResourceConfigureNamingConvention } from "./azure-resource-configure-naming-convention";
import { azureResourceEnforceAllowedRegions } from "./azure-resource-enforce-allowed-regions";
import { azureResourceMissingRequiredTags } from "./azure-resource-missing-required-tags";
import { communicationDomainDisableEngagementTracking } from "./communication-domain-disable-engagement-tracking";
import { communicationDomainDisallowAzureManaged } from "./communication-domain-disallow-azure-managed";
import { communicationServiceEnforceDataLocation } from "./communication-service-enforce-data-location";
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
import { tokenapiWebappConfigureTokenLifetime } from "./tokenapi-webapp-configure-token-lifetime";
import { tokenapiWebappEnforceAllowedScopes } from "./tokenapi-webapp-enforce-allowed-scopes";
import { tokenapiWebappDisallowChatScopeInProd } from "./tokenapi-webapp-disallow-chat-scope-in-prod";
import { webWebappConfigureHealthCheckPath } from "./web-webapp-configure-health-check-path";
import { webWebappConfigureMinTlsVersion } from "./web-webapp-configure-min-tls-version";
import { webWebappDisableFtp } from "./web-webapp-disable-ftp";
import { webWebappDisallowPlainSecrets } from "./web-webapp-disallow-plain-secrets";
import { webWebappDisableRemoteDebugging } from "./web-webapp-disable-remote-debugging";
import { webWebappEnableHttpsOnly } from "./web-webapp-enable-https-only";
import { webWebappEnableManagedIdentity } from "./web-webapp-enable-managed-identity";
import { deployabilityPolicies } from "./deployability";

/** Name of the pack as `pulumi preview` reports it. */
export const PACK_NAME = "acs-platform";
/** Version of the pack: PolicyPack reads it from policies/package.json, and so does the offline plan. */
export const PACK_VERSION: string = packageJson.version;

export const allPolicies: Policies = [
  azureResourceMissingRequiredTags,
  azureResourceEnforceAllowedRegions,
  communicationServiceEnforceDataLocation,
  azureResourceConfigureNamingConvention,
  keyvaultVaultEnableRbacAuthorization,
  keyvaultVaultEnableSoftDelete,
  keyvaultVaultEnablePurgeProtection,
  keyvaultVaultConfigurePublicNetworkAccess,
  webWebappEnableHttpsOnly,
  webWebappConfigureMinTlsVersion,
  webWebappDisableFtp,
  webWebappDisableRemoteDebugging,
  webWebappEnableManagedIdentity,
  webWebappConfigureHealthCheckPath,
  webWebappDisallowPlainSecrets,
  storageAccountEnableHttpsOnly,
  storageAccountConfigureMinTlsVersion,
  storageAccountDisallowBlobPublicAccess,
  loganalyticsWorkspaceConfigureRetention,
  loganalyticsWorkspaceConfigureDailyCap,
  monitorDiagnosticsMissingDiagnosticSetting,
  eventgridSubscriptionConfigureDeadLetter,
  eventgridSubscriptionConfigureRetryPolicy,
  eventgridSubscriptionEnforceAcsEventTypes,
  communicationDomainDisableEngagementTracking,
  communicationDomainDisallowAzureManaged,
  monitorActiongroupMissingReceiver,
  monitorAlertsMissingCoverage,
  tokenapiWebappConfigureTokenLifetime,
  tokenapiWebappEnforceAllowedScopes,
  tokenapiWebappDisallowChatScopeInProd,
  networkSubnetMissingNetworkSecurityGroup,
  // The deployability group: where Azure would reject the deployment (policies/deployability).
  ...deployabilityPolicies,
];
