// The token API's two storage accounts: the mapping table's (Entra-only: the app reads and writes it with its
// managed identity, through the VNet integration subnet when the firewall denies) and the package account that
// holds the run-from-package blob; each with blob and container soft delete.
import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { resourceName } from "../common/naming";
import { blobSoftDelete, hardenedStorageAccountArgs } from "../common/storage";
import type { TokenApiHostArgs } from "./index";

const hardened = (args: TokenApiHostArgs) => ({
  resourceGroupName: args.resourceGroupName,
  location: args.location,
  tags: args.tags,
  skuName: args.storage.tokenApiSku,
});

/** The mapping data: an Entra-only account and the table of app users to ACS identities. */
export function mappingStorage(host: pulumi.ComponentResource, name: string, args: TokenApiHostArgs) {
  const parent = { parent: host };
  const account = new storage.StorageAccount(
    `${name}-data`,
    {
      ...hardenedStorageAccountArgs({
        ...hardened(args),
        entraOnly: true,
        // The app's table traffic comes from its integration subnet (Microsoft.Storage service endpoint); the
        // operators' addresses admit `npm run archive-chat`, which reads the mapping.
        network: {
          defaultAction: args.storage.networkDefaultAction,
          allowedIpRanges: args.storage.allowedIpRanges,
          subnetIds: args.vnetIntegrationSubnetId === undefined ? [] : [args.vnetIntegrationSubnetId],
        },
      }),
      accountName: resourceName("storageAccount", args.naming, "tok"),
    },
    parent,
  );
  blobSoftDelete(`${name}-data`, account, args.resourceGroupName, args.storage.softDeleteRetentionDays, parent);
  const table = new storage.Table(
    `${name}-mapping-table`,
    { tableName: args.tokenApi.mappingTableName, accountName: account.name, resourceGroupName: args.resourceGroupName },
    parent,
  );
  return { account, table, endpoint: account.primaryEndpoints.apply((e) => e.table.replace(/\/+$/, "")) };
}

/**
 * The package: its account, container and blob, and the blob's URL the site runs from. Shared-key access stays on
 * here only because azure-native uploads `storage.Blob` with the account key: "for blob operations, the old
 * implementation used the token only to get a shared access key for the storage account", kept in v3 so no RBAC
 * role is needed (pulumi/pulumi-azure-native#3719, merged; #2015, writing a blob to an account without shared keys,
 * is open). The app itself reads the blob with its managed identity. Its firewall stays open: Learn documents a
 * private `WEBSITE_RUN_FROM_PACKAGE` URL read with a SAS or a managed identity
 * (https://learn.microsoft.com/azure/app-service/deploy-run-package) but no network path for the platform's fetch of
 * it through a storage firewall. Both are reviewed exceptions (policies/exceptions.ts).
 */
export function packageStorage(
  host: pulumi.ComponentResource,
  name: string,
  args: TokenApiHostArgs,
  source: { blobName: string; asset: pulumi.asset.Asset },
) {
  const parent = { parent: host };
  const account = new storage.StorageAccount(
    `${name}-packages`,
    {
      ...hardenedStorageAccountArgs({ ...hardened(args), entraOnly: false, network: { defaultAction: "Allow", allowedIpRanges: [] } }),
      accountName: resourceName("storageAccount", args.naming, "pkg"),
    },
    parent,
  );
  blobSoftDelete(`${name}-packages`, account, args.resourceGroupName, args.storage.softDeleteRetentionDays, parent);
  const container = new storage.BlobContainer(
    `${name}-package-container`,
    { containerName: "packages", accountName: account.name, resourceGroupName: args.resourceGroupName, publicAccess: "None" },
    parent,
  );
  const blob = new storage.Blob(
    `${name}-package`,
    {
      blobName: source.blobName,
      accountName: account.name,
      containerName: container.name,
      resourceGroupName: args.resourceGroupName,
      type: "Block",
      contentType: "application/zip",
      source: source.asset,
    },
    parent,
  );
  return { account, container, url: pulumi.interpolate`${account.primaryEndpoints.blob}${container.name}/${blob.name}` };
}
