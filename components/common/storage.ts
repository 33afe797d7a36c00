// The hardened settings every storage account of the platform starts from (HTTPS only, TLS 1.2, no anonymous blob
// access, no cross-tenant replication, a firewall: the pack's storage-account-* policies), for an account whose
// consumers all use Entra ID shared-key access off with OAuth as the portal default, and the blob service settings
// every account gets (blob and container soft delete).
//
// Sources: `networkRuleSet` is ARM's `properties.networkAcls` (azure-rest-api-specs specification/storage/
// resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json NetworkRuleSet: `bypass` AzureServices, Logging,
// Metrics, None; `defaultAction` Allow, Deny; `ipRules[].value` is `iPAddressOrRange` in azure-native 3.28). With
// `bypass: AzureServices` a trusted service reaches the account through the firewall, which is how Event Grid
// delivers with its system-assigned identity ("you can use only the system-assigned managed identity if Allow Azure
// services on the trusted service list to access the storage account is also enabled", Learn
// https://learn.microsoft.com/azure/event-grid/handler-storage-queues). A subnet in `virtualNetworkRules` needs the
// Microsoft.Storage service endpoint, which is how an app with regional VNet integration reaches a firewalled
// account ("Go to the destination service and configure service endpoints against the integration subnet", Learn
// https://learn.microsoft.com/azure/app-service/overview-vnet-integration#service-endpoints). Blob service settings
// are the singleton `blobServices/default` (blob.json BlobServices_SetServiceProperties, `BlobServicesName` enum
// ["default"]).
import type * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";

/** Who may reach an account over the network. */
export interface StorageNetworkAccess {
  /** `Deny`: only the subnets, the addresses and Azure's trusted services; `Allow`: any network (an excepted account). */
  defaultAction: "Deny" | "Allow";
  /** Public IPv4 addresses or ranges (the operators' machines). */
  allowedIpRanges: readonly string[];
  /** Subnets (with the Microsoft.Storage service endpoint) admitted, e.g. the token API's VNet integration subnet. */
  subnetIds?: readonly pulumi.Input<string>[];
}

export interface HardenedStorageAccount {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
  skuName: pulumi.Input<string>;
  /**
   * True when every reader and writer authenticates with Entra ID: shared-key access off, OAuth by default. False
   * keeps shared keys on (azure-native uploads `storage.Blob` with the account key).
   */
  entraOnly: boolean;
  /** The firewall. */
  network: StorageNetworkAccess;
}

/** The ARM network rule set of `network`: trusted Azure services always bypass (Event Grid, diagnostics). */
export function storageNetworkRuleSet(network: StorageNetworkAccess): storage.StorageAccountArgs["networkRuleSet"] {
  return {
    defaultAction: network.defaultAction,
    bypass: "AzureServices",
    ipRules: network.allowedIpRanges.map((range) => ({ iPAddressOrRange: range, action: "Allow" })),
    virtualNetworkRules: (network.subnetIds ?? []).map((id) => ({ virtualNetworkResourceId: id, action: "Allow" })),
  };
}

/** The StorageAccount args of a hardened account; the caller adds its `accountName`. */
export function hardenedStorageAccountArgs(a: HardenedStorageAccount): Omit<storage.StorageAccountArgs, "accountName"> {
  return {
    resourceGroupName: a.resourceGroupName,
    location: a.location,
    kind: "StorageV2",
    sku: { name: a.skuName },
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: !a.entraOnly,
    ...(a.entraOnly ? { defaultToOAuthAuthentication: true } : {}),
    allowCrossTenantReplication: false,
    networkRuleSet: storageNetworkRuleSet(a.network),
    tags: a.tags,
  };
}

/**
 * The account's blob service settings: deleted blobs and deleted containers stay restorable for `days` (PSRule
 * Azure.Storage.SoftDelete and Azure.Storage.ContainerSoftDelete, which fail an account without this sub-resource,
 * table-only accounts included).
 */
export function blobSoftDelete(
  name: string,
  account: storage.StorageAccount,
  resourceGroupName: pulumi.Input<string>,
  days: number,
  opts: pulumi.CustomResourceOptions,
): storage.BlobServiceProperties {
  return new storage.BlobServiceProperties(
    `${name}-blob-service`,
    {
      accountName: account.name,
      resourceGroupName,
      blobServicesName: "default",
      deleteRetentionPolicy: { enabled: true, days },
      containerDeleteRetentionPolicy: { enabled: true, days },
    },
    opts,
  );
}
