// Which input changes make Pulumi replace (delete and re-create) an azure-native resource instead of updating it,
// for every resource type the program declares, with the source of each rule. Read by tools/plan/diff/compare.ts;
// tests/tools/plan/replace-rules.test.ts checks every property named here exists on the type's SDK inputs.

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
} as const;

export interface CreateOnlyProperty {
  /** Top-level SDK input (azure-native flattens `properties`), or a dotted path below one. */
  path: string;
  source: string;
}

export interface ReplaceRule {
  /** Inputs that are ARM URL path parameters (resource group, the resource's and its parents' names, scope). */
  pathParams: string[];
  /** Body properties whose change forces a replacement. */
  createOnly: CreateOnlyProperty[];
}

const location = (source: string = SOURCES.trackedLocation): CreateOnlyProperty => ({ path: "location", source });

/** Replace triggers per azure-native type token. A type missing here is treated as having none (and said so). */
export const REPLACE_RULES: Readonly<Record<string, ReplaceRule>> = {
  "azure-native:resources:ResourceGroup": { pathParams: ["resourceGroupName"], createOnly: [location(SOURCES.forceNewMap)] },
  "azure-native:operationalinsights:Workspace": { pathParams: ["resourceGroupName", "workspaceName"], createOnly: [location()] },
  "azure-native:applicationinsights:Component": { pathParams: ["resourceGroupName", "resourceName"], createOnly: [location()] },
  "azure-native:monitor:ActionGroup": { pathParams: ["resourceGroupName", "actionGroupName"], createOnly: [location()] },
  "azure-native:monitor:DiagnosticSetting": { pathParams: ["resourceUri", "name"], createOnly: [] },
  "azure-native:monitor:ScheduledQueryRule": { pathParams: ["resourceGroupName", "ruleName"], createOnly: [location()] },
  "azure-native:monitor:MetricAlert": { pathParams: ["resourceGroupName", "ruleName"], createOnly: [location()] },
  "azure-native:communication:CommunicationService": {
    pathParams: ["resourceGroupName", "communicationServiceName"],
    createOnly: [location(), { path: "dataLocation", source: SOURCES.acsDataLocation }],
  },
  "azure-native:communication:EmailService": {
    pathParams: ["resourceGroupName", "emailServiceName"],
    createOnly: [location(), { path: "dataLocation", source: SOURCES.emailDataLocation }],
  },
  "azure-native:communication:Domain": { pathParams: ["resourceGroupName", "emailServiceName", "domainName"], createOnly: [location()] },
  "azure-native:communication:SenderUsername": {
    pathParams: ["resourceGroupName", "emailServiceName", "domainName", "senderUsername"],
    createOnly: [],
  },
  "azure-native:keyvault:Vault": { pathParams: ["resourceGroupName", "vaultName"], createOnly: [location()] },
  "azure-native:keyvault:Secret": { pathParams: ["resourceGroupName", "vaultName", "secretName"], createOnly: [] },
  "azure-native:storage:StorageAccount": {
    pathParams: ["resourceGroupName", "accountName"],
    createOnly: [location(SOURCES.forceNewMap), { path: "isHnsEnabled", source: SOURCES.forceNewMap }],
  },
  "azure-native:storage:BlobContainer": { pathParams: ["resourceGroupName", "accountName", "containerName"], createOnly: [] },
  // The container's one policy, always named "default" (Microsoft.Storage blob.json BlobContainers_CreateOrUpdateImmutabilityPolicy).
  "azure-native:storage:BlobContainerImmutabilityPolicy": {
    pathParams: ["resourceGroupName", "accountName", "containerName", "immutabilityPolicyName"],
    createOnly: [],
  },
  "azure-native:storage:Queue": { pathParams: ["resourceGroupName", "accountName", "queueName"], createOnly: [] },
  "azure-native:storage:Table": { pathParams: ["resourceGroupName", "accountName", "tableName"], createOnly: [] },
  "azure-native:storage:Blob": { pathParams: ["resourceGroupName", "accountName", "containerName", "blobName"], createOnly: [] },
  "azure-native:web:AppServicePlan": { pathParams: ["resourceGroupName", "name"], createOnly: [location()] },
  // The site's basic-publishing-credential policies: singletons under the site (`basicPublishingCredentialsPolicies/ftp|scm`).
  "azure-native:web:WebAppFtpAllowed": { pathParams: ["resourceGroupName", "name"], createOnly: [] },
  "azure-native:web:WebAppScmAllowed": { pathParams: ["resourceGroupName", "name"], createOnly: [] },
  "azure-native:managedidentity:UserAssignedIdentity": { pathParams: ["resourceGroupName", "resourceName"], createOnly: [location()] },
  "azure-native:web:WebApp": {
    pathParams: ["resourceGroupName", "name"],
    createOnly: [location(SOURCES.forceNewMap), { path: "kind", source: SOURCES.forceNewMap }],
  },
  "azure-native:eventgrid:SystemTopic": { pathParams: ["resourceGroupName", "systemTopicName"], createOnly: [location()] },
  "azure-native:eventgrid:SystemTopicEventSubscription": {
    pathParams: ["resourceGroupName", "systemTopicName", "eventSubscriptionName"],
    createOnly: [],
  },
  "azure-native:authorization:RoleAssignment": {
    pathParams: ["scope", "roleAssignmentName"],
    createOnly: [{ path: "principalId", source: SOURCES.forceNewMap }],
  },
  "azure-native:authorization:ManagementLockByScope": { pathParams: ["scope", "lockName"], createOnly: [] },
  "azure-native:costmanagement:Budget": { pathParams: ["scope", "budgetName"], createOnly: [] },
  "azure-native:network:VirtualNetwork": {
    pathParams: ["resourceGroupName", "virtualNetworkName"],
    createOnly: [location(SOURCES.forceNewMap)],
  },
  "azure-native:network:Subnet": { pathParams: ["resourceGroupName", "virtualNetworkName", "subnetName"], createOnly: [] },
  "azure-native:network:NetworkSecurityGroup": { pathParams: ["resourceGroupName", "networkSecurityGroupName"], createOnly: [location()] },
  "azure-native:network:NatGateway": { pathParams: ["resourceGroupName", "natGatewayName"], createOnly: [location()] },
  "azure-native:network:PublicIPAddress": {
    pathParams: ["resourceGroupName", "publicIpAddressName"],
    createOnly: [
      location(SOURCES.forceNewMap),
      { path: "publicIPAddressVersion", source: SOURCES.forceNewMap },
      { path: "publicIPPrefix", source: SOURCES.forceNewMap },
      { path: "sku", source: SOURCES.forceNewMap },
    ],
  },
  "azure-native:network:PrivateEndpoint": {
    pathParams: ["resourceGroupName", "privateEndpointName"],
    createOnly: [location(), { path: "subnet", source: SOURCES.forceNewMap }],
  },
  "azure-native:network:PrivateDnsZoneGroup": {
    pathParams: ["resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName"],
    createOnly: [],
  },
  "azure-native:privatedns:PrivateZone": { pathParams: ["resourceGroupName", "privateZoneName"], createOnly: [location()] },
  "azure-native:privatedns:VirtualNetworkLink": {
    pathParams: ["resourceGroupName", "privateZoneName", "virtualNetworkLinkName"],
    createOnly: [location()],
  },
};

/** Types whose replacement or deletion loses data or identity: ACS (identities, linked domains), Email service and
 *  domains (verified domain), Key Vault (secrets, soft-deleted name), Log Analytics (logs). A storage account that
 *  holds a Table (the identity mapping) and any protected resource are added from the plan itself. */
export const STATEFUL_TYPES: readonly string[] = [
  "azure-native:communication:CommunicationService",
  "azure-native:communication:EmailService",
  "azure-native:communication:Domain",
  "azure-native:keyvault:Vault",
  "azure-native:operationalinsights:Workspace",
];
