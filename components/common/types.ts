// The one interface every Azure component shares (learned from Azure Verified Modules): location, tags,
// diagnostics, role assignments, lock and identity come in the same shape everywhere.
import type * as pulumi from "@pulumi/pulumi";

/** Where a component sends its diagnostic settings; omit to send none. */
export interface DiagnosticsArgs {
  /** Resource id of the Log Analytics workspace that receives logs and metrics. */
  workspaceId: pulumi.Input<string>;
  /** Log categories or category groups to enable; defaults to the category group `allLogs`. */
  logCategoryGroups?: string[];
  /** Individual log categories (used instead of groups where a resource supports no groups). */
  logCategories?: string[];
  /** Whether to send `AllMetrics`; defaults to true where the resource type emits metrics. */
  metrics?: boolean;
}

/** A role assignment a caller asks a component to create on its main resource. */
export interface RoleAssignmentArgs {
  /** Built-in role definition GUID (not the display name). */
  roleDefinitionId: string;
  /** Object id of the principal that receives the role. */
  principalId: pulumi.Input<string>;
  /** Principal type; `ServicePrincipal` for managed identities. */
  principalType?: "ServicePrincipal" | "User" | "Group";
}

/** Arguments every Azure component accepts. */
export interface AzureComponentArgs {
  /** Name of the resource group the component deploys into. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region for regional resources (global resources ignore it). */
  location: pulumi.Input<string>;
  /** Tags merged onto every taggable child (already merged with the required tags by the stack). */
  tags: Record<string, string>;
  /** Diagnostic settings destination; omitted means none. */
  diagnostics?: DiagnosticsArgs;
  /** Extra role assignments on the component's main resource. */
  roleAssignments?: RoleAssignmentArgs[];
  /** A management lock on the main resource; prod sets `CanNotDelete`. */
  lock?: "CanNotDelete" | "ReadOnly";
}

/** A config problem found after parsing: the path below the section and the message (without the key). */
export interface ConfigProblem {
  path: Array<string | number>;
  message: string;
}
