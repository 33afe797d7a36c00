// ChatArchive: the storage account `npm run archive-chat` writes ACS chat into before chat retires (2028-09-30): an
// Entra-only account, the archive container (time-based immutability when protected) and the mutable state container.
//
// Facts relied on:
// - `Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies`, name `default`, property
//   `immutabilityPeriodSinceCreationInDays` (azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/
//   stable/2024-01-01/blob.json, BlobContainers_CreateOrUpdateImmutabilityPolicy; azure-native 3.28
//   `storage.BlobContainerImmutabilityPolicy`, API 2024-01-01). Put creates an *unlocked* policy; locking is a separate
//   POST (BlobContainers_LockImmutabilityPolicy) an operator makes after the first verified export, so it is not declared.
// - While the policy holds, blobs can be created and read but not overwritten or deleted; 1 to 146,000 days
//   (https://learn.microsoft.com/azure/storage/blobs/immutable-time-based-retention-policy-overview). The archive
//   writes create-only segments, so it never needs an overwrite; the state container holds what changes.
// - A storage account whose container has a locked policy and blobs cannot be deleted
//   (https://learn.microsoft.com/azure/storage/blobs/immutable-container-level-worm-policies): when protected, every
//   resource here is `retainOnDelete`, so `pulumi destroy` of the platform leaves the archive (in its own resource
//   group) in Azure instead of failing on it.
import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import type { AzureComponentArgs, DiagnosticsArg, LockLevel } from "../common/types";
import { attachLock } from "../common/lock";
import { attachStorageServiceDiagnostics } from "../common/storage-diagnostics";
import { blobSoftDelete, hardenedStorageAccountArgs } from "../common/storage";
import type { StorageSection } from "../common/storage-config";
import { resourceName } from "../common/naming";
import { CHAT_ARCHIVE_CONTAINER, CHAT_ARCHIVE_IMMUTABILITY_DAYS, CHAT_ARCHIVE_STATE_CONTAINER } from "./settings";

/** Arguments of ChatArchive (no role assignments: operators get Storage Blob Data Contributor outside the stack). */
export interface ChatArchiveArgs extends AzureComponentArgs, DiagnosticsArg {
  /** Protect the archive: a time-based immutability policy on the archive container, geo-redundancy, retained on destroy. */
  protected: boolean;
  /** A management lock on the account (with `protect`); set together with `protected` in prod. */
  lock?: LockLevel;
  /** Validated `storage` config: the account's firewall and soft delete. */
  storage: StorageSection;
}

/** What `protected` decides, in one place (table-tested). */
export function chatArchiveSettings(protectedArchive: boolean): {
  sku: "Standard_GRS" | "Standard_LRS";
  immutabilityDays?: number;
  retainOnDelete: boolean;
} {
  return protectedArchive
    ? { sku: "Standard_GRS", immutabilityDays: CHAT_ARCHIVE_IMMUTABILITY_DAYS, retainOnDelete: true }
    : { sku: "Standard_LRS", retainOnDelete: false };
}

export class ChatArchive extends pulumi.ComponentResource {
  /** Resource id of the storage account. */
  declare readonly id: pulumi.Output<string>;
  /** Name of the storage account. */
  declare readonly name: pulumi.Output<string>;
  /** `https://NAME.blob.core.windows.net/`: what `npm run archive-chat` writes to (stack output `chatArchiveBlobEndpoint`). */
  declare readonly blobEndpoint: pulumi.Output<string>;
  declare readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: ChatArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:storage:ChatArchive", name, {}, opts);
    const settings = chatArchiveSettings(args.protected);
    const child = { parent: this, retainOnDelete: settings.retainOnDelete };

    // Shared-key access is off: the runbook authenticates with the operator's Entra identity, from the operators'
    // addresses (it runs on their machines).
    const account = new storage.StorageAccount(
      `${name}-storage`,
      {
        accountName: resourceName("storageAccount", args.naming, "arc"),
        ...hardenedStorageAccountArgs({
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          tags: args.tags,
          skuName: settings.sku,
          entraOnly: true,
          network: { defaultAction: args.storage.networkDefaultAction, allowedIpRanges: args.storage.allowedIpRanges },
        }),
      },
      { ...child, protect: args.lock !== undefined },
    );

    // Soft delete beside the WORM container: it "applies to all blobs within the account regardless of whether a legal
    // hold or time-based retention policy is in effect", and Learn recommends it "before any immutability policies are
    // applied"; a protected blob "can't be soft deleted until after the time-based retention policy is expired"
    // (https://learn.microsoft.com/azure/storage/blobs/immutable-storage-overview#immutable-storage-with-blob-soft-delete),
    // so the policy below waits for it.
    // No point-in-time restore or last-access tracking here, the two features immutability is incompatible with.
    const blobService = blobSoftDelete(`${name}-storage`, account, args.resourceGroupName, args.storage.softDeleteRetentionDays, child);
    const archive = new storage.BlobContainer(
      `${name}-archive`,
      { containerName: CHAT_ARCHIVE_CONTAINER, accountName: account.name, resourceGroupName: args.resourceGroupName, publicAccess: "None" },
      child,
    );
    new storage.BlobContainer(
      `${name}-state`,
      {
        containerName: CHAT_ARCHIVE_STATE_CONTAINER,
        accountName: account.name,
        resourceGroupName: args.resourceGroupName,
        publicAccess: "None",
      },
      child,
    );
    if (settings.immutabilityDays !== undefined) {
      new storage.BlobContainerImmutabilityPolicy(
        `${name}-immutability`,
        {
          accountName: account.name,
          containerName: archive.name,
          resourceGroupName: args.resourceGroupName,
          immutabilityPolicyName: "default",
          immutabilityPeriodSinceCreationInDays: settings.immutabilityDays,
          // Create-only block-blob segments: no append blobs, so protected append writes stay off (frozen once locked).
          allowProtectedAppendWrites: false,
        },
        { ...child, dependsOn: [blobService] },
      );
    }
    // The lock stays with the retained account.
    if (args.lock) {
      attachLock(name, account.id, args.lock, "Chat archive: ACS chat history kept after the platform is removed.", this, {
        retainOnDelete: settings.retainOnDelete,
      });
    }
    if (args.diagnostics) attachStorageServiceDiagnostics(`${name}-storage`, account.id, ["blob"], args.diagnostics, this);

    this.id = account.id;
    this.name = account.name;
    this.blobEndpoint = account.primaryEndpoints.apply((e) => e.blob);
    this.containerName = archive.name;
    this.registerOutputs({ id: this.id, name: this.name, blobEndpoint: this.blobEndpoint, containerName: this.containerName });
  }
}
