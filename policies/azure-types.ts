// The catalog of Azure resource types: one entry per azure-native type token the stacks declare (and the few more
// the pack inspects), with what every tool needs to know about it: its ARM id (path parameters and the name input
// derive from it), its create-only properties with their sources, whether it holds state, whether it is taggable and
// diagnosed (the pack's tags and diagnostics policies), the outputs the offline plan's mock cloud computes, the node
// it is drawn as in the architecture diagram, its price meters (the plan's cost estimate) and room for adoption. It lives in the pack because
// the pack is loaded alone by the Pulumi CLI; the offline plan (mocks, diff, diagram) imports it from here.
// tests/tools/plan/azure-types.test.ts fails, naming the type, for a type a stack declares that is missing here.

/** Where a rule comes from (public URLs). */
export const SOURCES = {
  /** azure-native marks a property force-new when its x-ms-mutability lacks "update" (propChangeForcesRecreate). */
  mutability: "https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/gen/properties.go",
  /** azure-native's hand-kept list of extra replace triggers per resource (forceNewMap). */
  forceNewMap: "https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/gen/replacement.go",
  /** A tracked resource's location is ["read", "create"] (ARM RPC-Put-V1-14; common-types TrackedResource). */
  trackedLocation: "https://github.com/Azure/azure-rest-api-specs/blob/main/specification/common-types/resource-management/v5/types.json",
  /** CommunicationServiceProperties.dataLocation: x-ms-mutability ["create", "read"]. */
  acsDataLocation:
    "https://github.com/Azure/azure-rest-api-specs/blob/main/specification/communication/resource-manager/Microsoft.Communication/stable/2025-05-01/CommunicationServices.json",
  /** EmailServiceProperties.dataLocation: x-ms-mutability ["create", "read"]. */
  emailDataLocation:
    "https://github.com/Azure/azure-rest-api-specs/blob/main/specification/communication/resource-manager/Microsoft.Communication/stable/2025-05-01/EmailServices.json",
  /** A resource is addressed by its ARM URL: a changed name or parent is another resource. */
  names: "https://www.pulumi.com/docs/iac/concepts/resources/names/",
  /**
   * A public IP's zones: Learn lists what can be changed on an existing address (idle timeout, DNS name label,
   * assignment, Basic to Standard), not its zones; azure-native does not mark them force-new, so the program sets `replaceOnChanges`.
   */
  publicIpZones: "https://learn.microsoft.com/azure/virtual-network/ip-services/virtual-network-public-ip-address",
  /** A blob is not an ARM resource: azure-native writes it with the Blob service API under its container. */
  blob: "https://www.pulumi.com/registry/packages/azure-native/api-docs/storage/blob/",
} as const;

export interface CreateOnlyProperty {
  /** Top-level SDK input (azure-native flattens `properties`), or a dotted path below one. */
  path: string;
  source: string;
  /**
   * "program" when azure-native does not know the property is create-only: it would send an update, so the program
   * sets `replaceOnChanges` on it, and its diff then asks for no delete-before-replace (azure-native answers
   * `DeleteBeforeReplace` only for its own replaces, provider/pkg/provider/provider.go Diff). Unset: azure-native
   * replaces by itself, deleting first when the resource has an explicit name.
   */
  replacedBy?: "program";
}

/** Resource properties as the engine and the mocks pass them: untyped JSON. */
type Inputs = Record<string, unknown>;

/** What the offline plan's mock cloud hands a type's `outputs` function. */
export interface OfflineContext {
  /** The resource's name (its name input, else the Pulumi resource name). */
  name: string;
  inputs: Inputs;
  /** The id the mock built for it. */
  id: string;
  /** A GUID-shaped, deterministic placeholder derived from `seed`. */
  guid(seed: string): string;
  tenantId: string;
  /** An input object the engine passed secret-wrapped, unwrapped (a plain object is returned as is). */
  unwrap(value: unknown): Inputs;
}

/** Roles a type plays in the architecture diagram (tools/plan/formats/mermaid.ts draws and labels each role). */
export const DIAGRAM_ROLES = [
  "webApp",
  "plan",
  "table",
  "vault",
  "acs",
  "email",
  "domain",
  "topic",
  "subscription",
  "queue",
  "storageAccount",
  "workspace",
  "appInsights",
  "metricAlert",
  "logAlert",
  "budget",
  "actionGroup",
  "diagnostics",
  "vnet",
  "endpoint",
] as const;
export type DiagramRole = (typeof DIAGRAM_ROLES)[number];

export interface AzureType {
  /**
   * The ARM id below its scope, with `{input}` for each path parameter taken from an SDK input, e.g.
   * `Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}`. The last parameter, when the
   * id ends with one, is the name input; a singleton child (`.../basicPublishingCredentialsPolicies/ftp`) has none.
   */
  arm: string;
  /**
   * What the id sits under: a resource group (input `resourceGroupName`, a path parameter), the subscription, or
   * any resource id given by an input (`scope`, `resourceUri`: an extension resource).
   */
  scope: "resourceGroup" | "subscription" | { input: "scope" | "resourceUri" };
  /** Body properties whose change forces a replacement (a path parameter's change always does). */
  createOnly: CreateOnlyProperty[];
  /** Replacing or deleting it loses data or identity (ACS identities, a verified domain, secrets, logs). */
  stateful?: true;
  /** Azure accepts tags on it and the tags policy requires the stack's tags on it, declared or not. */
  taggable?: true;
  /** It must send diagnostics to a Log Analytics workspace (the diagnostics policy). */
  diagnosed?: true;
  /** The offline plan's mock cloud. */
  offline?: {
    /**
     * `type-token`: the mock id is `<resource group>/providers/Microsoft.<module>/<Type>/<name>`, as the offline plan
     * has always built it for this type, instead of the ARM id above. Recorded baselines (`--compare`) hold these
     * ids in other resources' inputs; switching a type to its ARM id shows those inputs as updates once.
     */
    id?: "type-token";
    /** Outputs Azure computes on create (host names, URIs, principals), merged over the echoed inputs. */
    outputs?: (c: OfflineContext) => Inputs;
  };
  /** The role it plays in the architecture diagram; a type with none is not drawn. */
  diagram?: DiagramRole;
  /**
   * Its price meters: ids of rows in tools/plan/cost/prices.json the cost estimate (tools/plan/cost/estimate.ts) may
   * charge it with; `[]` when it has no charge of its own. Absent: not decided, and tests/tools/plan/cost.test.ts
   * fails for a type a stack declares.
   */
  priceMeters?: readonly string[];
  /** Why it costs nothing of its own, or that it is usage-priced (shown in the plan's cost section). */
  priceNote?: string;
  /** Whether an existing resource of this type can be adopted (`import`) into a stack; not decided yet. */
  adoptable?: boolean;
}

const location = (source: string = SOURCES.trackedLocation): CreateOnlyProperty => ({ path: "location", source });
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
/** A system identity's principal as Azure assigns it on create. */
const systemIdentity = (c: OfflineContext, seed: string): Inputs => ({
  identity: { ...((c.inputs["identity"] as Inputs | undefined) ?? {}), principalId: c.guid(`${seed}/${c.name}`), tenantId: c.tenantId },
});

/** Every type, keyed by azure-native type token. */
export const AZURE_TYPES = {
  // resources
  "azure-native:resources:ResourceGroup": {
    arm: "resourceGroups/{resourceGroupName}",
    scope: "subscription",
    createOnly: [location(SOURCES.forceNewMap)],
    taggable: true,
    priceMeters: [],
    priceNote: "no charge",
  },
  "azure-native:authorization:RoleAssignment": {
    arm: "Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
    scope: { input: "scope" },
    createOnly: [{ path: "principalId", source: SOURCES.forceNewMap }],
    priceMeters: [],
    priceNote: "no charge",
  },
  "azure-native:authorization:ManagementLockByScope": {
    arm: "Microsoft.Authorization/locks/{lockName}",
    scope: { input: "scope" },
    createOnly: [],
    priceMeters: [],
    priceNote: "no charge",
  },
  "azure-native:managedidentity:UserAssignedIdentity": {
    arm: "Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    offline: {
      outputs: (c) => ({ principalId: c.guid(`uai-principal/${c.name}`), clientId: c.guid(`uai-client/${c.name}`), tenantId: c.tenantId }),
    },
    priceMeters: [],
    priceNote: "no charge",
  },
  // communication
  "azure-native:communication:CommunicationService": {
    arm: "Microsoft.Communication/communicationServices/{communicationServiceName}",
    scope: "resourceGroup",
    createOnly: [location(), { path: "dataLocation", source: SOURCES.acsDataLocation }],
    stateful: true,
    taggable: true,
    diagnosed: true,
    diagram: "acs",
    offline: {
      outputs: (c) => {
        const geo = (str(c.inputs["dataLocation"]) ?? "unitedstates").toLowerCase().replace(/\s+/g, "");
        return {
          hostName: `${c.name}.${geo}.communication.azure.com`,
          immutableResourceId: c.guid(`acs/${c.name}`),
          ...systemIdentity(c, "acs-identity"),
        };
      },
    },
    priceMeters: ["acs-chat-message", "acs-sms-US", "acs-sms-CA", "acs-sms-other", "acs-tollfree-number", "acs-voip-minute"],
    priceNote: "usage-priced: chat messages, SMS segments and numbers, calling minutes (the usage profile)",
  },
  "azure-native:communication:EmailService": {
    arm: "Microsoft.Communication/emailServices/{emailServiceName}",
    scope: "resourceGroup",
    createOnly: [location(), { path: "dataLocation", source: SOURCES.emailDataLocation }],
    stateful: true,
    taggable: true,
    diagram: "email",
    priceMeters: ["acs-email-message", "acs-email-mb"],
    priceNote: "usage-priced: per email and per MB sent (the usage profile)",
  },
  "azure-native:communication:Domain": {
    arm: "Microsoft.Communication/emailServices/{emailServiceName}/domains/{domainName}",
    scope: "resourceGroup",
    createOnly: [location()],
    stateful: true,
    taggable: true,
    diagram: "domain",
    offline: {
      outputs: (c) => {
        const azureManaged = c.inputs["domainManagement"] === "AzureManaged";
        const sender = azureManaged ? `${c.guid(`domain/${c.id}`)}.azurecomm.net` : c.name;
        const name = c.name;
        return {
          fromSenderDomain: sender,
          mailFromSenderDomain: sender,
          verificationRecords: azureManaged
            ? {}
            : {
                domain: { type: "TXT", name, value: `ms-domain-verification=${c.guid(`verify/${c.id}`)}`, ttl: 3600 },
                sPF: { type: "TXT", name, value: "v=spf1 include:spf.protection.outlook.com -all", ttl: 3600 },
                dKIM: {
                  type: "CNAME",
                  name: "selector1-azurecomm-prod-net._domainkey",
                  value: "selector1-azurecomm-prod-net._domainkey.azurecomm.net",
                  ttl: 3600,
                },
                dKIM2: {
                  type: "CNAME",
                  name: "selector2-azurecomm-prod-net._domainkey",
                  value: "selector2-azurecomm-prod-net._domainkey.azurecomm.net",
                  ttl: 3600,
                },
              },
        };
      },
    },
    priceMeters: [],
    priceNote: "no charge of its own: email is usage-priced per message and MB on the Email service",
  },
  "azure-native:communication:SenderUsername": {
    arm: "Microsoft.Communication/emailServices/{emailServiceName}/domains/{domainName}/senderUsernames/{senderUsername}",
    scope: "resourceGroup",
    createOnly: [],
    priceMeters: [],
    priceNote: "no charge of its own: email is usage-priced per message and MB on the Email service",
  },
  // keyvault
  "azure-native:keyvault:Vault": {
    arm: "Microsoft.KeyVault/vaults/{vaultName}",
    scope: "resourceGroup",
    createOnly: [location()],
    stateful: true,
    taggable: true,
    diagnosed: true,
    diagram: "vault",
    offline: {
      outputs: (c) => ({ properties: { ...c.unwrap(c.inputs["properties"]), vaultUri: `https://${c.name}.vault.azure.net/` } }),
    },
    priceMeters: ["keyvault-operations"],
    priceNote: "usage-priced: operations (the usage profile)",
  },
  // Not `taggable`: a secret's tags are checked only where it declares some (tests/policies/resources.test.ts).
  "azure-native:keyvault:Secret": {
    arm: "Microsoft.KeyVault/vaults/{vaultName}/secrets/{secretName}",
    scope: "resourceGroup",
    createOnly: [],
    offline: {
      outputs: (c) => {
        const vault = str(c.inputs["vaultName"]) ?? "";
        // A secret `properties` input arrives wrapped; spreading the wrapper would turn the whole state into that
        // secret and drop the computed URIs, so the wrapped value is spread instead.
        return {
          properties: {
            ...c.unwrap(c.inputs["properties"]),
            secretUri: `https://${vault}.vault.azure.net/secrets/${c.name}`,
            secretUriWithVersion: `https://${vault}.vault.azure.net/secrets/${c.name}/${c.guid(c.id).replace(/-/g, "")}`,
          },
        };
      },
    },
    priceMeters: [],
    priceNote: "no charge of its own: reads and writes are the vault's operations",
  },
  // web
  "azure-native:web:AppServicePlan": {
    arm: "Microsoft.Web/serverfarms/{name}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    diagram: "plan",
    priceMeters: ["appservice-linux-B1", "appservice-linux-P1v3", "appservice-linux-other"],
  },
  "azure-native:web:WebApp": {
    arm: "Microsoft.Web/sites/{name}",
    scope: "resourceGroup",
    createOnly: [location(SOURCES.forceNewMap), { path: "kind", source: SOURCES.forceNewMap }],
    taggable: true,
    diagnosed: true,
    diagram: "webApp",
    offline: { outputs: (c) => ({ defaultHostName: `${c.name}.azurewebsites.net`, ...systemIdentity(c, "webapp-identity") }) },
    priceMeters: [],
    priceNote: "no charge of its own: billed as its App Service plan's instances",
  },
  // The site's basic-publishing-credential policies: singletons under the site.
  "azure-native:web:WebAppFtpAllowed": {
    arm: "Microsoft.Web/sites/{name}/basicPublishingCredentialsPolicies/ftp",
    scope: "resourceGroup",
    createOnly: [],
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge (a site setting)",
  },
  "azure-native:web:WebAppScmAllowed": {
    arm: "Microsoft.Web/sites/{name}/basicPublishingCredentialsPolicies/scm",
    scope: "resourceGroup",
    createOnly: [],
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge (a site setting)",
  },
  // Not declared by the stacks; the pack's app-settings policies read it.
  "azure-native:web:WebAppApplicationSettings": {
    arm: "Microsoft.Web/sites/{name}/config/appsettings",
    scope: "resourceGroup",
    createOnly: [],
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge (a site setting)",
  },
  // storage
  // `sku.name` is not create-only: azure-native updates it in place, and geo-redundancy changes in place, but adding
  // or removing zone redundancy (LRS <-> ZRS) is a conversion Azure runs, refused as an update; the plan's
  // plan-storage-disallow-zone-redundancy-update names it (Learn "Change how a storage account is replicated",
  // https://learn.microsoft.com/azure/storage/common/redundancy-migration).
  "azure-native:storage:StorageAccount": {
    arm: "Microsoft.Storage/storageAccounts/{accountName}",
    scope: "resourceGroup",
    createOnly: [location(SOURCES.forceNewMap), { path: "isHnsEnabled", source: SOURCES.forceNewMap }],
    taggable: true,
    diagnosed: true,
    diagram: "storageAccount",
    offline: {
      outputs: (c) => ({
        primaryEndpoints: {
          blob: `https://${c.name}.blob.core.windows.net/`,
          queue: `https://${c.name}.queue.core.windows.net/`,
          table: `https://${c.name}.table.core.windows.net/`,
          file: `https://${c.name}.file.core.windows.net/`,
        },
      }),
    },
    priceMeters: ["storage-blob-lrs-hot-gb", "storage-table-lrs-gb", "storage-zrs-gb"],
    priceNote:
      "usage-priced: capacity and operations, not in the usage profile (small for event dead letters, the package blob and the mapping table)",
  },
  "azure-native:storage:BlobContainer": {
    arm: "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}",
    scope: "resourceGroup",
    createOnly: [],
    priceMeters: [],
    priceNote: "no charge of its own: capacity is the account's",
  },
  // The account's blob service settings, the singleton `default` (Microsoft.Storage blob.json
  // BlobServices_SetServiceProperties; azure-native: "Blob Service Name must be 'default'"). A PUT of settings, no
  // data of its own: deleting it leaves the service as it is.
  "azure-native:storage:BlobServiceProperties": {
    arm: "Microsoft.Storage/storageAccounts/{accountName}/blobServices/{blobServicesName}",
    scope: "resourceGroup",
    createOnly: [],
    priceMeters: [],
    priceNote: "no charge of its own: soft-deleted data is billed as the account's capacity",
  },
  // The container's one policy, always named "default" (Microsoft.Storage blob.json BlobContainers_CreateOrUpdateImmutabilityPolicy).
  "azure-native:storage:BlobContainerImmutabilityPolicy": {
    arm: "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}/immutabilityPolicies/{immutabilityPolicyName}",
    scope: "resourceGroup",
    createOnly: [],
    priceMeters: [],
    priceNote: "no charge of its own: a setting of the container, whose capacity is the account's",
  },
  "azure-native:storage:Queue": {
    arm: "Microsoft.Storage/storageAccounts/{accountName}/queueServices/default/queues/{queueName}",
    scope: "resourceGroup",
    createOnly: [],
    diagram: "queue",
    priceMeters: [],
    priceNote: "no charge of its own: capacity and operations are the account's",
  },
  "azure-native:storage:Table": {
    arm: "Microsoft.Storage/storageAccounts/{accountName}/tableServices/default/tables/{tableName}",
    scope: "resourceGroup",
    createOnly: [],
    diagram: "table",
    priceMeters: [],
    priceNote: "no charge of its own: capacity and operations are the account's",
  },
  // SOURCES.blob: not an ARM resource; the path parameters are its inputs that name it.
  "azure-native:storage:Blob": {
    arm: "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}/blobs/{blobName}",
    scope: "resourceGroup",
    createOnly: [],
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge of its own: capacity is the account's",
  },
  // operationalinsights
  "azure-native:operationalinsights:Workspace": {
    arm: "Microsoft.OperationalInsights/workspaces/{workspaceName}",
    scope: "resourceGroup",
    createOnly: [location()],
    stateful: true,
    taggable: true,
    diagram: "workspace",
    offline: { outputs: (c) => ({ customerId: c.guid(`workspace/${c.name}`) }) },
    priceMeters: ["log-analytics-ingestion", "log-analytics-retention"],
    priceNote: "usage-priced: ingestion and retention beyond 31 days (the usage profile, at most the daily cap)",
  },
  // monitor (and Application Insights, drawn and alerted with it)
  "azure-native:applicationinsights:Component": {
    arm: "Microsoft.Insights/components/{resourceName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    diagram: "appInsights",
    offline: {
      outputs: (c) => {
        const key = c.guid(`appi/${c.name}`);
        return {
          instrumentationKey: key,
          connectionString: `InstrumentationKey=${key};IngestionEndpoint=https://mock.in.applicationinsights.azure.com/`,
        };
      },
    },
    priceMeters: [],
    priceNote: "workspace-based (ingestionMode LogAnalytics): its telemetry is billed as the workspace's ingestion",
  },
  "azure-native:monitor:ActionGroup": {
    arm: "Microsoft.Insights/actionGroups/{actionGroupName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    diagram: "actionGroup",
    priceMeters: [],
    priceNote: "no charge of its own; e-mail notifications are billed per notification and not estimated (no cited price)",
  },
  "azure-native:monitor:DiagnosticSetting": {
    arm: "Microsoft.Insights/diagnosticSettings/{name}",
    scope: { input: "resourceUri" },
    createOnly: [],
    diagram: "diagnostics",
    priceMeters: [],
    priceNote: "no charge of its own: what it sends is the workspace's ingestion",
  },
  "azure-native:monitor:ScheduledQueryRule": {
    arm: "Microsoft.Insights/scheduledQueryRules/{ruleName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    diagram: "logAlert",
    offline: { id: "type-token" },
    priceMeters: ["log-alert-pt1m", "log-alert-pt5m", "log-alert-pt10m", "log-alert-pt15m"],
  },
  "azure-native:monitor:MetricAlert": {
    arm: "Microsoft.Insights/metricAlerts/{ruleName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    diagram: "metricAlert",
    offline: { id: "type-token" },
    priceMeters: ["metric-alert-time-series"],
  },
  "azure-native:costmanagement:Budget": {
    arm: "Microsoft.CostManagement/budgets/{budgetName}",
    scope: { input: "scope" },
    createOnly: [],
    diagram: "budget",
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge",
  },
  // eventgrid
  "azure-native:eventgrid:SystemTopic": {
    arm: "Microsoft.EventGrid/systemTopics/{systemTopicName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    diagnosed: true,
    diagram: "topic",
    offline: { outputs: (c) => systemIdentity(c, "systemtopic-identity") },
    priceMeters: ["eventgrid-operations"],
    priceNote: "usage-priced: operations beyond the 100,000 free each month (the usage profile)",
  },
  "azure-native:eventgrid:SystemTopicEventSubscription": {
    arm: "Microsoft.EventGrid/systemTopics/{systemTopicName}/eventSubscriptions/{eventSubscriptionName}",
    scope: "resourceGroup",
    createOnly: [],
    diagram: "subscription",
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge of its own: deliveries are the topic's operations",
  },
  // Not declared by the stacks; the pack's Event Grid policies read them.
  "azure-native:eventgrid:Topic": {
    arm: "Microsoft.EventGrid/topics/{topicName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    diagnosed: true,
    offline: { id: "type-token" },
    priceMeters: ["eventgrid-operations"],
    priceNote: "usage-priced: operations",
  },
  "azure-native:eventgrid:EventSubscription": {
    arm: "Microsoft.EventGrid/eventSubscriptions/{eventSubscriptionName}",
    scope: { input: "scope" },
    createOnly: [],
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge of its own: deliveries are the topic's operations",
  },
  // network
  "azure-native:network:VirtualNetwork": {
    arm: "Microsoft.Network/virtualNetworks/{virtualNetworkName}",
    scope: "resourceGroup",
    createOnly: [location(SOURCES.forceNewMap)],
    taggable: true,
    diagram: "vnet",
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge",
  },
  "azure-native:network:Subnet": {
    arm: "Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}",
    scope: "resourceGroup",
    // No create-only property. `defaultOutboundAccess` is updated in place: the spec's "can only be set at the time of
    // subnet creation" (network 2024-05-01) predates Learn "Default outbound access in Azure", which makes existing
    // subnets private with `az network vnet subnet update --default-outbound false`
    // (https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access).
    createOnly: [],
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge",
  },
  "azure-native:network:NetworkSecurityGroup": {
    arm: "Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    priceMeters: [],
    priceNote: "no charge",
  },
  "azure-native:network:NatGateway": {
    arm: "Microsoft.Network/natGateways/{natGatewayName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    priceMeters: ["nat-gateway-hour", "nat-gateway-gb"],
  },
  "azure-native:network:PublicIPAddress": {
    arm: "Microsoft.Network/publicIPAddresses/{publicIpAddressName}",
    scope: "resourceGroup",
    createOnly: [
      location(SOURCES.forceNewMap),
      { path: "publicIPAddressVersion", source: SOURCES.forceNewMap },
      { path: "publicIPPrefix", source: SOURCES.forceNewMap },
      { path: "sku", source: SOURCES.forceNewMap },
      { path: "zones", source: SOURCES.publicIpZones, replacedBy: "program" },
    ],
    taggable: true,
    priceMeters: ["public-ip-static-standard"],
  },
  "azure-native:network:PrivateEndpoint": {
    arm: "Microsoft.Network/privateEndpoints/{privateEndpointName}",
    scope: "resourceGroup",
    createOnly: [location(), { path: "subnet", source: SOURCES.forceNewMap }],
    taggable: true,
    diagram: "endpoint",
    offline: { id: "type-token" },
    priceMeters: ["private-endpoint-hour", "private-endpoint-gb"],
  },
  "azure-native:network:PrivateDnsZoneGroup": {
    arm: "Microsoft.Network/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups/{privateDnsZoneGroupName}",
    scope: "resourceGroup",
    createOnly: [],
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge of its own",
  },
  "azure-native:privatedns:PrivateZone": {
    arm: "Microsoft.Network/privateDnsZones/{privateZoneName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    offline: { id: "type-token" },
    priceMeters: ["private-dns-zone"],
  },
  "azure-native:privatedns:VirtualNetworkLink": {
    arm: "Microsoft.Network/privateDnsZones/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}",
    scope: "resourceGroup",
    createOnly: [location()],
    taggable: true,
    offline: { id: "type-token" },
    priceMeters: [],
    priceNote: "no charge in the cited sources (the zone is priced)",
  },
} as const satisfies Record<string, AzureType>;

/** An azure-native type token the catalog knows. */
export type AzureTypeToken = keyof typeof AZURE_TYPES;

/** The catalog entry of `type`, or undefined for a type the catalog lacks. */
export function azureType(type: string): AzureType | undefined {
  return Object.hasOwn(AZURE_TYPES, type) ? (AZURE_TYPES as Record<string, AzureType>)[type] : undefined;
}

/** Inputs that are ARM URL path parameters (resource group or scope, then the names in the id): a change is a new resource. */
export function pathParams(t: AzureType): string[] {
  const inId = [...t.arm.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  if (t.scope === "subscription") return inId;
  return [t.scope === "resourceGroup" ? "resourceGroupName" : t.scope.input, ...inId];
}

/** The input that holds the resource's own name: the id's last path parameter, if the id ends with one. */
export function nameInput(t: AzureType): string | undefined {
  return /\{(\w+)\}$/.exec(t.arm)?.[1];
}

/** The types with a flag set, in catalog order. */
export function typesWhere(flag: "taggable" | "diagnosed" | "stateful"): string[] {
  return Object.entries(AZURE_TYPES as Record<string, AzureType>)
    .filter(([, t]) => t[flag] === true)
    .map(([type]) => type);
}

/** The types drawn in the given diagram role. */
export function typesDrawnAs(role: DiagramRole): string[] {
  return Object.entries(AZURE_TYPES as Record<string, AzureType>)
    .filter(([, t]) => t.diagram === role)
    .map(([type]) => type);
}

/**
 * The ARM resource type of a catalog entry, e.g. `Microsoft.Storage/storageAccounts/blobServices/containers`: the
 * provider namespace and every type segment of its id, without the names (ARM ids alternate type and name after the
 * namespace: https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules). A
 * resource group is `Microsoft.Resources/resourceGroups`. PSRule for Azure selects rules by this type
 * (policies/psrule.ts).
 */
export function armType(t: AzureType): string {
  const arm = t.arm.startsWith("resourceGroups/") ? `Microsoft.Resources/${t.arm}` : t.arm;
  const [namespace, ...rest] = arm.split("/");
  return [namespace, ...rest.filter((_, i) => i % 2 === 0)].join("/");
}
