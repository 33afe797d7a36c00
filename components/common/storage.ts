// The hardened settings every storage account of the platform starts from (HTTPS only, TLS 1.2, no anonymous blob
// access, no cross-tenant replication: the pack's storage-account-* policies), and, for an account whose consumers
// all use Entra ID, shared-key access off with OAuth as the portal default.
import type * as pulumi from "@pulumi/pulumi";
import type * as storage from "@pulumi/azure-native/storage";

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
    tags: a.tags,
  };
}
