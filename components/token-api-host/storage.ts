// The token API's two storage accounts: the mapping table's (Entra-only: the app reads and writes it with its
// managed identity) and the package account that holds the run-from-package blob.
import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { resourceName } from "../common/naming";
import { hardenedStorageAccountArgs } from "../common/storage";
import type { TokenApiHostArgs } from "./index";

const hardened = (args: TokenApiHostArgs) => ({
  resourceGroupName: args.resourceGroupName,
  location: args.location,
  tags: args.tags,
  skuName: "Standard_LRS",
});

/** The mapping data: an Entra-only account and the table of app users to ACS identities. */
export function mappingStorage(host: pulumi.ComponentResource, name: string, args: TokenApiHostArgs) {
  const parent = { parent: host };
  const account = new storage.StorageAccount(
    `${name}-data`,
    {
      ...hardenedStorageAccountArgs({ ...hardened(args), entraOnly: true }),
      accountName: resourceName("storageAccount", args.naming, "tok"),
    },
    parent,
  );
  const table = new storage.Table(
    `${name}-mapping-table`,
    { tableName: args.tokenApi.mappingTableName, accountName: account.name, resourceGroupName: args.resourceGroupName },
    parent,
  );
  return { account, table, endpoint: account.primaryEndpoints.apply((e) => e.table.replace(/\/+$/, "")) };
}

/**
 * The package: its account, container and blob, and the blob's URL the site runs from. Shared-key access stays on
 * here only because azure-native uploads `storage.Blob` with the account key (pulumi/pulumi-azure-native#2015,
 * #3719); the app itself reads the blob with its managed identity.
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
      ...hardenedStorageAccountArgs({ ...hardened(args), entraOnly: false }),
      accountName: resourceName("storageAccount", args.naming, "pkg"),
    },
    parent,
  );
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
