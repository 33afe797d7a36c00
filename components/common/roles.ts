// The built-in Azure role definitions the platform grants, by GUID, and the pure helpers that turn them into the
// ids and scopes `azure-native:authorization:RoleAssignment` takes — one table, so the stack tests can check
// that no role broader than these is ever assigned.
//
// GUIDs verified against Microsoft Learn "Azure built-in roles" (role-based-access-control/built-in-roles, the
// Storage, Security and Integration pages) on 2026-11-23; the same ids appear in Azure's own Bicep samples.
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { deterministicGuid } from "./naming";
import type { RoleAssignmentArgs } from "./types";

/** Built-in roles the platform assigns, keyed by a code name; values are role definition GUIDs. */
export const BUILT_IN_ROLES = {
  /** Key Vault Secrets User: read secret contents (data plane), nothing else. */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  /** Storage Table Data Contributor: read, write and delete table entities. */
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  /** Storage Blob Data Reader: read blobs. */
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  /** Storage Blob Data Contributor: read, write and delete blobs (Event Grid dead-lettering needs write). */
  storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  /** Storage Queue Data Message Sender: add messages to a queue, nothing else. */
  storageQueueDataMessageSender: "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
  /** Azure Service Bus Data Sender: send messages to a queue or topic. */
  serviceBusDataSender: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
  /**
   * Communication and Email Service Owner: all operations of a Communication Services resource, which is what an
   * Entra-authenticated caller of the identity API (create identities, issue tokens) needs on it. Learn names it
   * as the built-in role that "gives access to all Communication and Email service operations" on the resource
   * (https://learn.microsoft.com/azure/communication-services/quickstarts/email/send-email-smtp/smtp-authentication);
   * the Entra quickstart uses Contributor, which reaches every resource type
   * (https://learn.microsoft.com/azure/communication-services/quickstarts/identity/service-principal). No narrower
   * built-in role exists; granted only on the one ACS resource. GUID as the role definition publishes it (Azure
   * built-in roles, https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
   */
  communicationAndEmailServiceOwner: "09976791-48a7-449e-bb21-39d1a415f350",
  /**
   * Monitoring Metrics Publisher: data actions Microsoft.Insights/Metrics/Write and Microsoft.Insights/Telemetry/Write,
   * what an Entra-authenticated sender needs once Application Insights refuses the instrumentation key ("Although the
   * Monitoring Metrics Publisher role says 'metrics,' it will publish all telemetry", Learn
   * https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication); granted only on the one component.
   * GUID from Learn "Azure built-in roles for Monitor"
   * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/monitor#monitoring-metrics-publisher).
   */
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
} as const;

/** Code name of a role in BUILT_IN_ROLES. */
export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

/** Every GUID the platform may assign; anything else in a plan is a broader (or unknown) role. */
export const ALLOWED_ROLE_GUIDS: ReadonlySet<string> = new Set(Object.values(BUILT_IN_ROLES));

/** The full role definition resource id ARM expects for a built-in role in `subscriptionId`. */
export function roleDefinitionResourceId(subscriptionId: string, role: BuiltInRole): string {
  if (!/^[0-9a-fA-F-]{36}$/.test(subscriptionId)) {
    throw new Error(`subscriptionId must be a GUID; got "${subscriptionId}"`);
  }
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
}

/** The ARM scope of one blob container, so a role reaches that container and no other. */
export function blobContainerScope(storageAccountId: string, containerName: string): string {
  return `${storageAccountId}/blobServices/default/containers/${containerName}`;
}

/** The ARM scope of one storage queue. */
export function storageQueueScope(storageAccountId: string, queueName: string): string {
  return `${storageAccountId}/queueServices/default/queues/${queueName}`;
}

/** The ARM scope of one storage table. */
export function storageTableScope(storageAccountId: string, tableName: string): string {
  return `${storageAccountId}/tableServices/default/tables/${tableName}`;
}

/** What `assignRole` needs: who gets which role where, and the inputs of the deterministic assignment name. */
export interface RoleGrantArgs {
  /** Naming suffix of the stack; part of the assignment GUID, so a re-created stack gets new assignments. */
  suffix: string;
  /** Logical key of the grant, unique within the component. */
  key: string;
  /** The built-in role granted. */
  role: BuiltInRole;
  /** ARM id of what the role applies to; the narrowest that works. */
  scope: pulumi.Input<string>;
  /** Subscription whose role definition id is used. */
  subscriptionId: pulumi.Input<string>;
  /** Principal id of a managed identity (always a service principal here). */
  principalId: pulumi.Input<string>;
  /** Why the principal needs the role; shown on the assignment in Azure. */
  description: string;
}

/** Creates `<name>-ra-<key>`: `role` for the managed identity `principalId` on `scope`, named by a stable GUID. */
export function assignRole(name: string, grant: RoleGrantArgs, parent: pulumi.Resource): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    `${name}-ra-${grant.key}`,
    {
      roleAssignmentName: deterministicGuid(grant.suffix, name, grant.key, grant.role),
      scope: grant.scope,
      roleDefinitionId: pulumi.output(grant.subscriptionId).apply((sub) => roleDefinitionResourceId(sub, grant.role)),
      principalId: grant.principalId,
      principalType: "ServicePrincipal",
      description: grant.description,
    },
    { parent },
  );
}

/** The first key that appears twice in `assignments`, or undefined when every key is unique (pure). */
export function repeatedRoleKey(assignments: readonly Pick<RoleAssignmentArgs, "key">[]): string | undefined {
  const keys = assignments.map((ra) => ra.key);
  return keys.find((key, i) => keys.indexOf(key) !== i);
}

/**
 * Grants every requested role on `scope` with assignRole, keyed by `key`, so reordering the list replaces nothing;
 * a repeated key is an error naming it, raised before any assignment is declared.
 */
export function assignRequestedRoles(
  name: string,
  assignments: readonly RoleAssignmentArgs[],
  target: { scope: pulumi.Input<string>; suffix: string; subscriptionId: pulumi.Input<string> },
  parent: pulumi.Resource,
): authorization.RoleAssignment[] {
  const repeated = repeatedRoleKey(assignments);
  if (repeated !== undefined) throw new Error(`${name}: roleAssignments has the key "${repeated}" twice; keys must be unique`);
  return assignments.map((ra) =>
    assignRole(
      name,
      {
        suffix: target.suffix,
        key: ra.key,
        role: ra.role,
        scope: target.scope,
        subscriptionId: target.subscriptionId,
        principalId: ra.principalId,
        description: ra.description ?? `${name}: ${ra.role}`,
      },
      parent,
    ),
  );
}
