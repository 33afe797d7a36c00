// The arguments Azure components share (learned from Azure Verified Modules): every component takes
// AzureComponentArgs, and opts in to the diagnostics, lock and role-assignment arguments only where it honours them,
// so no component accepts an argument it ignores (components/README.md).
import type * as pulumi from "@pulumi/pulumi";
import type { NamingContext } from "./naming";
import type { BuiltInRole } from "./roles";

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

/** A role a caller asks a component to grant on its main resource. */
export interface RoleAssignmentArgs {
  /** Stable key, unique within the component: it names the assignment, so reordering the list replaces nothing. */
  key: string;
  /** A built-in role of components/common/roles.ts (the allow-list the stack tests check). */
  role: BuiltInRole;
  /** Principal id of the managed identity that receives the role (assigned as a service principal). */
  principalId: pulumi.Input<string>;
  /** Why the principal needs the role; shown on the assignment in Azure. */
  description?: string;
}

/** Management lock levels (Microsoft.Authorization/locks `level`, API 2020-05-01). */
export type LockLevel = "CanNotDelete" | "ReadOnly";

/** Arguments every Azure component takes. */
export interface AzureComponentArgs {
  /** Naming context of the stack; every Azure name of the component derives from it (components/common/naming.ts). */
  naming: NamingContext;
  /** Name of the resource group the component deploys into. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the component's regional resources. */
  location: pulumi.Input<string>;
  /** Tags for every taggable child (already merged with the required tags by the stack). */
  tags: Record<string, string>;
}

/** Opt-in argument of components whose resources support diagnostic settings. */
export interface DiagnosticsArg {
  /** Diagnostic settings destination; omitted means none. */
  diagnostics?: DiagnosticsArgs;
}

/** Opt-in argument of components whose main resource may be locked. */
export interface LockArg {
  /** A management lock on the main resource, which is then also `protect`ed in Pulumi state; omitted means none. */
  lock?: LockLevel;
}

/** Opt-in argument of components that grant roles on their main resource to other identities. */
export interface RoleAssignmentsArg {
  /** Roles to grant on the main resource, keyed. */
  roleAssignments?: RoleAssignmentArgs[];
}

/** A config problem found after parsing: the path below the section and the message (without the key). */
export interface ConfigProblem {
  path: Array<string | number>;
  message: string;
}
