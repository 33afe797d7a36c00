// The management lock a component puts on its main resource when the caller passes `lock` (components/README.md).
// `ManagementLockByScope` takes the resource id as `scope`, so one helper serves every resource type
// (Microsoft Learn "Lock your Azure resources to protect your infrastructure",
// https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources).
import type * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { LockLevel } from "./types";

/** The Azure name of a lock of `level`. */
export function lockName(level: LockLevel): string {
  return level === "CanNotDelete" ? "do-not-delete" : "read-only";
}

/** Creates `<name>-lock`: a management lock of `level` on `resourceId`, a child of `parent`. */
export function attachLock(
  name: string,
  resourceId: pulumi.Input<string>,
  level: LockLevel,
  notes: string,
  parent: pulumi.Resource,
  /** `retainOnDelete` for a lock that must stay with a retained resource (the chat archive). */
  options: Pick<pulumi.CustomResourceOptions, "retainOnDelete"> = {},
): authorization.ManagementLockByScope {
  return new authorization.ManagementLockByScope(
    `${name}-lock`,
    { scope: resourceId, level, lockName: lockName(level), notes },
    { parent, ...options },
  );
}
