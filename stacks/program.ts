// The per-environment program: validated config in, components out, stack outputs returned (the one list of them is
// createPlatform's return value). `stacks/index.ts` exports `main`, whose result Pulumi records as the outputs;
// the plan harness and tests call `main()` under Pulumi's mock engine.
import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as authorization from "@pulumi/azure-native/authorization";
import * as communication from "@pulumi/azure-native/communication";
import { parseConfig, rawConfigFromPulumi, type PlatformConfig } from "./config";
import { resourceName, stackSuffix, type NamingContext } from "../components/common/naming";
import { mergeTags } from "../components/common/tags";
import type { DiagnosticsArgs } from "../components/common/types";
import { Observability } from "../components/observability";
import { CommunicationServices } from "../components/communication-services";
import { activeKeyFrom, deployedActiveKeyTag, SecretStore } from "../components/secret-store";
import { Network } from "../components/network";
import { EventRouting } from "../components/event-routing";
import { subscriptionSummaries } from "../components/event-routing/config";
import { TokenApiHost } from "../components/token-api-host";
import { Alerts } from "../components/alerts";
import { ChatArchive } from "../components/chat-archive";
import { resolveAlertSettings } from "../components/alerts/config";

/** Stack outputs (what createPlatform returns); names fixed in docs/interfaces.md. */
export type StackOutputs = ReturnType<typeof createPlatform>;

/** Reads and validates this stack's `acs-platform:*` config (throws StackConfigError before any resource exists). */
export function loadConfig(): PlatformConfig {
  return parseConfig(rawConfigFromPulumi(pulumi.runtime.allConfig()));
}

/** Declares every resource of the platform for `config` and returns the stack outputs. */
export function createPlatform(config: PlatformConfig, stack: { project: string; stack: string; subscriptionId: string }) {
  const naming: NamingContext = {
    app: config.appName,
    env: config.environment,
    region: config.location,
    suffix: config.nameSuffix ?? stackSuffix(stack.project, stack.stack, stack.subscriptionId),
  };
  const tags = (extra?: Record<string, string>) => mergeTags(config.tags, extra);
  const prefix = config.appName;

  const clientConfig = authorization.getClientConfigOutput();
  const resourceGroup = new resources.ResourceGroup(`${prefix}-rg`, {
    resourceGroupName: resourceName("resourceGroup", naming),
    location: config.location,
    tags: tags(),
  });

  const observability = new Observability(`${prefix}-observability`, {
    naming,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    retentionInDays: config.logAnalytics.retentionInDays,
    dailyQuotaGb: config.logAnalytics.dailyQuotaGb,
    alertRecipients: config.alertRecipients,
  });
  const diagnostics: DiagnosticsArgs = { workspaceId: observability.id };

  const acs = new CommunicationServices(`${prefix}-communication`, {
    naming,
    resourceGroupName: resourceGroup.name,
    tags: tags(),
    dataLocation: config.dataLocation,
    domains: config.email?.domains ?? [],
    existing: config.communication.existing,
    diagnostics,
    lock: config.communication.deleteLock ? "CanNotDelete" : undefined,
    disableLocalAuth: config.communication.disableLocalAuth,
  });

  const keys = communication.listCommunicationServiceKeysOutput({
    communicationServiceName: acs.name,
    resourceGroupName: resourceGroup.name,
  });
  // The key the deployed secret holds (the rotation runbook flips it), or the configured one on the first deploy.
  const activeKey = deployedActiveKeyTag({
    resourceGroupName: resourceName("resourceGroup", naming),
    vaultName: resourceName("keyVault", naming),
    secretName: config.keyVault.secretName,
  }).apply((tag) => activeKeyFrom(tag, config.keyVault.activeKey));
  const connectionString = pulumi.secret(
    pulumi.all([keys, activeKey]).apply(([k, activeKey]) => {
      const value = activeKey === "primary" ? k.primaryConnectionString : k.secondaryConnectionString;
      if (value === undefined) throw new Error(`listCommunicationServiceKeys returned no ${activeKey} connection string`);
      return value;
    }),
  );

  const secretStore = new SecretStore(`${prefix}-secrets`, {
    naming,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    tenantId: clientConfig.tenantId,
    subscriptionId: clientConfig.subscriptionId,
    sku: config.keyVault.sku,
    enablePurgeProtection: config.keyVault.enablePurgeProtection,
    softDeleteRetentionInDays: config.keyVault.softDeleteRetentionInDays,
    publicNetworkAccess: config.keyVault.publicNetworkAccess,
    allowedIpRanges: config.keyVault.allowedIpRanges,
    secretName: config.keyVault.secretName,
    connectionString,
    activeKey,
    acsResourceId: acs.immutableResourceId,
    diagnostics,
    lock: config.keyVault.deleteLock ? "CanNotDelete" : undefined,
  });

  // The private path from the token API to the vault (off in dev, whose vault is public): VNet integration and a
  // private endpoint, so a vault that denies public traffic stays readable by the app.
  const privateNetwork = config.network.enabled
    ? new Network(`${prefix}-network`, {
        naming,
        resourceGroupName: resourceGroup.name,
        location: config.location,
        tags: tags(),
        diagnostics,
        addressSpace: config.network.addressSpace,
        appServiceSubnetPrefix: config.network.appServiceSubnetPrefix,
        privateEndpointSubnetPrefix: config.network.privateEndpointSubnetPrefix,
        privateEndpoints: [{ key: "vault", resourceId: secretStore.id, groupId: "vault" }],
        existingPrivateDnsZoneIds: config.network.existingPrivateDnsZoneIds,
      })
    : undefined;

  // ACS events to queues, the hosted token API, and the alerts over all of it.
  const events = new EventRouting(`${prefix}-events`, {
    naming,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    diagnostics,
    subscriptionId: clientConfig.subscriptionId,
    communicationServiceId: acs.id,
    routing: config.eventRouting,
    storage: config.storage,
  });

  const tokenApi = new TokenApiHost(`${prefix}-token-api`, {
    naming,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    diagnostics,
    subscriptionId: clientConfig.subscriptionId,
    tokenApi: config.tokenApi,
    storage: config.storage,
    acsEndpoint: acs.endpoint,
    acsResourceId: acs.id,
    keyVault: { id: secretStore.id, name: secretStore.name, uri: secretStore.vaultUri },
    acsSecretName: secretStore.secretName,
    appInsights: { id: observability.appInsightsId, connectionString: observability.appInsightsConnectionString },
    vnetIntegrationSubnetId: privateNetwork?.appServiceSubnetId,
  });

  // The chat archive outlives the platform: its own resource group, protected (immutable, locked, retained on
  // destroy) exactly when the ACS resource is, since it holds that resource's chat (docs/decisions/0025-chat-archive.md).
  const protectArchive = config.communication.deleteLock;
  const archiveGroup = new resources.ResourceGroup(
    `${prefix}-archive-rg`,
    { resourceGroupName: resourceName("resourceGroup", naming, "archive"), location: config.location, tags: tags() },
    { retainOnDelete: protectArchive },
  );
  const chatArchive = new ChatArchive(`${prefix}-chat-archive`, {
    naming,
    resourceGroupName: archiveGroup.name,
    location: config.location,
    tags: tags(),
    diagnostics,
    protected: protectArchive,
    storage: config.storage,
    lock: protectArchive ? "CanNotDelete" : undefined,
  });

  new Alerts(`${prefix}-alerts`, {
    naming,
    resourceGroupName: resourceGroup.name,
    location: config.location,
    tags: tags(),
    actionGroupId: observability.actionGroupId,
    targets: {
      communicationService: acs.id,
      eventGridSystemTopic: events.id,
      webApp: tokenApi.id,
      workspace: observability.id,
    },
    settings: resolveAlertSettings(config.environment, config.alerts),
    budget: config.alerts.budget === undefined ? undefined : { ...config.alerts.budget, resourceGroupId: resourceGroup.id },
  });

  return {
    resourceGroupName: resourceGroup.name,
    subscriptionId: clientConfig.subscriptionId,
    acsName: acs.name,
    acsEndpoint: acs.endpoint,
    acsHostName: acs.hostName,
    keyVaultName: secretStore.name,
    keyVaultUri: secretStore.vaultUri,
    acsSecretName: secretStore.secretName,
    logAnalyticsWorkspaceId: observability.workspaceCustomerId,
    logAnalyticsResourceId: observability.id,
    appInsightsConnectionString: observability.appInsightsConnectionString,
    emailSenderAddresses: acs.senderAddresses,
    emailDnsRecords: acs.dnsRecords,
    tokenApiUrl: tokenApi.url,
    tokenApiHostName: tokenApi.hostName,
    tokenApiAudience: pulumi.output(config.tokenApi.oidc.audience),
    oidcIssuer: pulumi.output(config.tokenApi.oidc.issuer),
    eventGridSystemTopicName: events.name,
    eventQueueNames: events.queueNames,
    /** Routing storage account: the smoke test reads its queues at https://NAME.queue.core.windows.net/. */
    eventStorageAccountName: events.storageAccountName,
    /** Each event subscription with its event types and storage queue, so the smoke test knows where each event lands. */
    eventSubscriptions: pulumi.output(subscriptionSummaries(config.eventRouting.subscriptions)),
    deadLetterContainerName: events.deadLetterContainerName,
    mappingTableName: tokenApi.mappingTableName,
    mappingTableEndpoint: tokenApi.mappingTableEndpoint,
    chatArchiveResourceGroupName: archiveGroup.name,
    chatArchiveBlobEndpoint: chatArchive.blobEndpoint,
  } satisfies Record<string, pulumi.Output<unknown>>;
}

/**
 * The program: load config, read the subscription the provider deploys to (it goes into the suffix of globally
 * unique names, which are plain strings, so it is awaited before anything is declared), declare everything, return
 * the stack outputs. getClientConfig reads the provider's credentials, no ARM call
 * (https://www.pulumi.com/registry/packages/azure-native/api-docs/authorization/getclientconfig/); under the plan's
 * mocks it answers the plan's fixed subscription.
 */
export async function main(): Promise<StackOutputs> {
  const config = loadConfig();
  const { subscriptionId } = await authorization.getClientConfig();
  return createPlatform(config, { project: pulumi.getProject(), stack: pulumi.getStack(), subscriptionId });
}
