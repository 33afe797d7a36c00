// The token API's user-assigned identity and its grants. It exists, with its roles, before the site: the first start
// already resolves the Key Vault reference and mounts the package (a system-assigned identity would only exist once
// the site did; policies/web-webapp-enforce-roles-before-startup.ts).
import * as pulumi from "@pulumi/pulumi";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as storage from "@pulumi/azure-native/storage";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { resourceName } from "../common/naming";
import { assignRole, blobContainerScope, storageTableScope, type BuiltInRole } from "../common/roles";
import type { TokenApiHostArgs } from "./index";

/** The identity and the role assignments the site depends on. */
export function identityWithGrants(
  host: pulumi.ComponentResource,
  name: string,
  args: TokenApiHostArgs,
  data: { account: storage.StorageAccount; table: storage.Table },
  packages: { account: storage.StorageAccount; container: storage.BlobContainer },
): { identity: managedidentity.UserAssignedIdentity; grants: authorization.RoleAssignment[] } {
  const identity = new managedidentity.UserAssignedIdentity(
    `${name}-identity`,
    {
      resourceName: resourceName("userAssignedIdentity", args.naming, "token"),
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tags: args.tags,
    },
    { parent: host },
  );
  const grant = (key: string, role: BuiltInRole, scope: pulumi.Input<string>): authorization.RoleAssignment =>
    assignRole(
      name,
      {
        suffix: args.naming.suffix,
        key,
        role,
        scope,
        subscriptionId: args.subscriptionId,
        principalId: identity.principalId,
        description: `Token API ${name}: ${role}`,
      },
      host,
    );
  const grants = [
    grant("keyvault-secrets", "keyVaultSecretsUser", args.keyVault.id),
    grant(
      "mapping-table",
      "storageTableDataContributor",
      pulumi.all([data.account.id, data.table.name]).apply(([id, t]) => storageTableScope(id, t)),
    ),
    grant(
      "package-reader",
      "storageBlobDataReader",
      pulumi.all([packages.account.id, packages.container.name]).apply(([id, c]) => blobContainerScope(id, c)),
    ),
    // Managed-identity mode calls the ACS identity API with an Entra token of this identity, which ACS accepts
    // only with a role on the resource ("Grant your managed identity access to the Communication Services
    // resource", Learn https://learn.microsoft.com/azure/communication-services/how-tos/managed-identity); the
    // role is in components/common/roles.ts with its sources. Before the site, like the others: the first
    // token request must not meet a 403.
    // Application Insights refuses the instrumentation key (disableLocalAuth): the exporter sends with this identity,
    // which needs Monitoring Metrics Publisher on the component (components/common/roles.ts has the sources). Before
    // the site, so the first start's telemetry is accepted.
    ...(args.appInsights === undefined ? [] : [grant("appinsights-publisher", "monitoringMetricsPublisher", args.appInsights.id)]),
    ...(args.tokenApi.acsAuthMode === "managed-identity"
      ? [grant("acs-identity", "communicationAndEmailServiceOwner", args.acsResourceId)]
      : []),
  ];
  return { identity, grants };
}
