// SecretStore: the Key Vault (RBAC only, soft delete, purge protection per config) that holds the ACS connection
// string, and that secret, whose later changes by the key-rotation runbook Pulumi never reverts.
import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as authorization from "@pulumi/azure-native/authorization";
import { attachDiagnostics } from "../common/diagnostics";
import { deterministicGuid } from "../common/naming";
import type { AzureComponentArgs } from "../common/types";

/** The tag on the secret that records which ACS access key the value holds: the token API defines it (docs/interfaces.md). */
import { ACTIVE_KEY_TAG } from "../../services/token-api/src/settings";
export { ACTIVE_KEY_TAG };

/** Arguments of SecretStore. */
export interface SecretStoreArgs extends AzureComponentArgs {
  /** Azure name of the vault (3-24 characters, globally unique). */
  vaultName: string;
  /** Entra tenant the vault trusts. */
  tenantId: pulumi.Input<string>;
  /** Subscription id, used to build role definition ids for `roleAssignments`. */
  subscriptionId: pulumi.Input<string>;
  /** `standard` or `premium` (HSM-backed keys). */
  sku: "standard" | "premium";
  /** Purge protection; cannot be turned off once on. Default true. */
  enablePurgeProtection?: boolean;
  /** Days a deleted vault or secret stays recoverable (7..90). Default 90. */
  softDeleteRetentionInDays?: number;
  /** Public network access; `Disabled` by default. */
  publicNetworkAccess?: "Enabled" | "Disabled";
  /** IPv4 addresses/CIDRs allowed when public access is on; empty with public access on means any address. */
  allowedIpRanges?: string[];
  /** Name of the connection-string secret (default `acs-connection-string`). */
  secretName: string;
  /** The ACS connection string to store (always stored as a Pulumi secret). */
  connectionString: pulumi.Input<string>;
  /** Which ACS key `connectionString` holds (`primary` or `secondary`). */
  activeKey: "primary" | "secondary";
}

/** The `networkAcls` of the vault for the given access settings (pure, table-tested). */
export function vaultNetworkAcls(publicNetworkAccess: "Enabled" | "Disabled", allowedIpRanges: string[]) {
  const open = publicNetworkAccess === "Enabled" && allowedIpRanges.length === 0;
  return {
    bypass: "AzureServices",
    defaultAction: open ? "Allow" : "Deny",
    ipRules: allowedIpRanges.map((value) => ({ value })),
  };
}

/** Key Vault with the ACS connection-string secret. */
export class SecretStore extends pulumi.ComponentResource {
  /** Vault resource id. */
  declare readonly id: pulumi.Output<string>;
  /** Vault name. */
  declare readonly name: pulumi.Output<string>;
  /** Vault URI `https://<name>.vault.azure.net/`. */
  declare readonly vaultUri: pulumi.Output<string>;
  /** Name of the connection-string secret. */
  declare readonly secretName: pulumi.Output<string>;
  /** Versionless URI of the connection-string secret (follows rotations). */
  declare readonly secretUri: pulumi.Output<string>;

  constructor(name: string, args: SecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:platform:SecretStore", name, {}, opts);
    const publicNetworkAccess = args.publicNetworkAccess ?? "Disabled";

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName: args.vaultName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: args.sku },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionInDays ?? 90,
          // Azure rejects `false` once purge protection was on; omit the property instead of sending false.
          ...((args.enablePurgeProtection ?? true) ? { enablePurgeProtection: true } : {}),
          publicNetworkAccess,
          networkAcls: vaultNetworkAcls(publicNetworkAccess, args.allowedIpRanges ?? []),
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
        },
        tags: args.tags,
      },
      { parent: this, protect: args.lock !== undefined },
    );

    const secret = new keyvault.Secret(
      `${name}-acs-connection-string`,
      {
        secretName: args.secretName,
        vaultName: vault.name,
        resourceGroupName: args.resourceGroupName,
        properties: {
          value: pulumi.secret(args.connectionString),
          contentType: "text/plain",
        },
        tags: { ...args.tags, [ACTIVE_KEY_TAG]: args.activeKey },
      },
      {
        parent: this,
        // The key-rotation runbook writes new versions and flips the tag; `pulumi up` must not revert them.
        ignoreChanges: ["properties.value", "tags"],
        additionalSecretOutputs: ["properties"],
      },
    );

    (args.roleAssignments ?? []).forEach((ra, index) => {
      new authorization.RoleAssignment(
        `${name}-role-${index}`,
        {
          roleAssignmentName: deterministicGuid(name, args.vaultName, ra.roleDefinitionId, String(index)),
          scope: vault.id,
          roleDefinitionId: pulumi.interpolate`/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ra.roleDefinitionId}`,
          principalId: ra.principalId,
          principalType: ra.principalType ?? "ServicePrincipal",
        },
        { parent: this },
      );
    });

    if (args.lock !== undefined) {
      new authorization.ManagementLockByScope(
        `${name}-lock`,
        { scope: vault.id, level: args.lock, lockName: "do-not-delete", notes: "Holds the ACS connection string; purge protection is on." },
        { parent: this },
      );
    }

    if (args.diagnostics !== undefined) {
      attachDiagnostics(`${name}-vault`, vault.id, { logCategoryGroups: ["audit"], ...args.diagnostics }, this);
    }

    this.id = vault.id;
    this.name = vault.name;
    this.vaultUri = vault.properties.apply((p) => p.vaultUri);
    this.secretName = secret.name;
    this.secretUri = pulumi.interpolate`${this.vaultUri}secrets/${args.secretName}`;
    this.registerOutputs({ id: this.id, name: this.name, vaultUri: this.vaultUri, secretName: this.secretName, secretUri: this.secretUri });
  }
}
