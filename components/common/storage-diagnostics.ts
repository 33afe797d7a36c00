// Diagnostic settings for a storage account's data services: Azure Storage emits its resource logs (StorageRead,
// StorageWrite, StorageDelete) on the blob/queue/table service sub-resources, not on the account, so the setting
// targets `<account id>/<service>Services/default` (Microsoft Learn "Monitor Azure Blob Storage", "... Queue
// Storage", "... Table Storage"; the account itself only has Transaction/Capacity metrics).
import * as pulumi from "@pulumi/pulumi";
import type * as monitor from "@pulumi/azure-native/monitor";
import { attachDiagnostics } from "./diagnostics";
import type { DiagnosticsArgs } from "./types";

/** A storage data service that emits resource logs. */
export type StorageService = "blob" | "queue" | "table" | "file";

/** The ARM id of `service`'s default sub-resource of the account `accountId`. */
export function storageServiceResourceId(accountId: string, service: StorageService): string {
  return `${accountId}/${service}Services/default`;
}

/**
 * Sends all logs of each listed service of the account to the workspace. Metrics stay off here: storage
 * services name their metric category `Transaction`, not the `AllMetrics` the shared helper would send.
 */
export function attachStorageServiceDiagnostics(
  name: string,
  accountId: pulumi.Input<string>,
  services: readonly StorageService[],
  diagnostics: DiagnosticsArgs,
  parent: pulumi.Resource,
): monitor.DiagnosticSetting[] {
  return services.map((service) =>
    attachDiagnostics(
      `${name}-${service}`,
      pulumi.output(accountId).apply((id) => storageServiceResourceId(id, service)),
      { workspaceId: diagnostics.workspaceId, logCategoryGroups: ["allLogs"], metrics: false },
      parent,
    ),
  );
}
