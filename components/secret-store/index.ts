// SecretStore: the Key Vault (RBAC only, soft delete, purge protection per config) that holds the ACS connection
// string, and that secret, which follows the ACS resource it belongs to: the key-rotation runbook's key choice is
// read back from the deployed secret (deployedActiveKey), so `pulumi up` never reverts a rotation, and a replaced ACS
// resource (a new immutable id) gets its own connection string written.
import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { attachDiagnostics } from "../common/diagnostics";
import { attachLock } from "../common/lock";
import { resourceName } from "../common/naming";
import { assignRequestedRoles } from "../common/roles";
import type { AzureComponentArgs, DiagnosticsArg, LockArg, RoleAssignmentsArg } from "../common/types";
import type { KeyVaultSection } from "./config";

/** The tag on the secret that records which ACS access key the value holds: the token API defines it (docs/interfaces.md). */
import { ACTIVE_KEY_TAG } from "../../services/token-api/src/settings";
export { ACTIVE_KEY_TAG };

/** The tag on the secret that names the ACS resource (its immutableResourceId) whose connection string it holds. */
export const ACS_RESOURCE_TAG = "acs-immutable-resource-id";

/** The two ACS access keys. */
export type AccessKey = KeyVaultSection["activeKey"];

/**
 * The key the deployed secret holds, from its `acs-active-key` tag as the rotation runbook left it, or `configured`
 * when there is no deployed secret yet (or its tag is not a key name). Pure, table-tested.
 */
export function activeKeyFrom(deployedTag: unknown, configured: AccessKey): AccessKey {
  return deployedTag === "primary" || deployedTag === "secondary" ? deployedTag : configured;
}

/** Whether an invoke failed because the resource (or its group or vault) does not exist yet: ARM answers 404. */
export function isNotFound(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /\b404\b|NotFound/.test(text);
}

/**
 * The `acs-active-key` tag of the deployed secret, read through the management plane (tags only, never the value:
 * "value will never be returned from the service", azure-rest-api-specs keyvault `secrets.json`), or undefined when
 * the secret does not exist yet (the first deploy). Any other failure stops the program rather than guess a key.
 */
export function deployedActiveKeyTag(args: {
  resourceGroupName: string;
  vaultName: string;
  secretName: string;
}): pulumi.Output<string | undefined> {
  return pulumi.output(
    keyvault.getSecret(args).then(
      (s) => s.tags?.[ACTIVE_KEY_TAG],
      (error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      },
    ),
  );
}

/** Arguments of SecretStore; the vault settings are the `keyVault` section's (whose defaults are the secure ones). */
export interface SecretStoreArgs extends AzureComponentArgs, DiagnosticsArg, LockArg, RoleAssignmentsArg {
  /** Entra tenant the vault trusts. */
  tenantId: pulumi.Input<string>;
  /** Subscription id, used to build role definition ids for `roleAssignments`. */
  subscriptionId: pulumi.Input<string>;
  /** `standard` or `premium` (HSM-backed keys). */
  sku: KeyVaultSection["sku"];
  /** Purge protection; cannot be turned off once on. */
  enablePurgeProtection: boolean;
  /** Days a deleted vault or secret stays recoverable (7..90). */
  softDeleteRetentionInDays: number;
  /** Public network access of the vault. */
  publicNetworkAccess: KeyVaultSection["publicNetworkAccess"];
  /** IPv4 addresses/CIDRs allowed when public access is on; empty with public access on means any address. */
  allowedIpRanges: string[];
  /** Name of the connection-string secret. */
  secretName: string;
  /** The ACS connection string to store (always stored as a Pulumi secret). */
  connectionString: pulumi.Input<string>;
  /** Which ACS key `connectionString` holds (the deployed secret's, once there is one: activeKeyFrom). */
  activeKey: pulumi.Input<AccessKey>;
  /** The immutableResourceId of the ACS resource the connection string belongs to; it changes when ACS is re-created. */
  acsResourceId: pulumi.Input<string>;
}

/**
 * An IP rule as Key Vault stores it: a bare IPv4 address becomes its `/32` range. The vault returns `1.2.3.4` as
 * `1.2.3.4/32`, so sending the bare form shows a change on every run after a refresh
 * (https://github.com/hashicorp/terraform-provider-azurerm/issues/2164: "single IPs come back with /32").
 */
export function normalizeIpRule(value: string): string {
  return value.includes("/") ? value : `${value}/32`;
}

/** The `networkAcls` of the vault for the given access settings (pure, table-tested). */
export function vaultNetworkAcls(publicNetworkAccess: "Enabled" | "Disabled", allowedIpRanges: string[]) {
  const open = publicNetworkAccess === "Enabled" && allowedIpRanges.length === 0;
  return {
    bypass: "AzureServices",
    defaultAction: open ? "Allow" : "Deny",
    ipRules: allowedIpRanges.map((value) => ({ value: normalizeIpRule(value) })),
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
    super("acs:keyvault:SecretStore", name, {}, opts);
    const vaultName = resourceName("keyVault", args.naming);
    const publicNetworkAccess = args.publicNetworkAccess;

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: args.sku },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionInDays,
          // Azure rejects `false` once purge protection was on; omit the property instead of sending false.
          ...(args.enablePurgeProtection ? { enablePurgeProtection: true } : {}),
          publicNetworkAccess,
          networkAcls: vaultNetworkAcls(publicNetworkAccess, args.allowedIpRanges),
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
        },
        tags: args.tags,
      },
      {
        parent: this,
        protect: args.lock !== undefined,
        // "The retention policy interval can only be configured during key vault creation and can't be changed
        // afterwards" (Learn "Azure Key Vault soft-delete overview"): a later config change is not sent.
        ignoreChanges: ["properties.softDeleteRetentionInDays"],
      },
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
        tags: pulumi
          .all([args.activeKey, args.acsResourceId])
          .apply(([activeKey, acsResourceId]) => ({ ...args.tags, [ACTIVE_KEY_TAG]: activeKey, [ACS_RESOURCE_TAG]: acsResourceId })),
      },
      {
        parent: this,
        // No ignoreChanges: the caller passes the key the deployed secret holds (the rotation runbook's choice), so
        // an `up` after a rotation computes the value and tag the runbook wrote and changes nothing; after ACS is
        // re-created (a new ACS_RESOURCE_TAG) the new resource's connection string is written as a new version.
        additionalSecretOutputs: ["properties"],
      },
    );

    assignRequestedRoles(
      name,
      args.roleAssignments ?? [],
      { scope: vault.id, suffix: args.naming.suffix, subscriptionId: args.subscriptionId },
      this,
    );

    if (args.lock !== undefined) {
      attachLock(name, vault.id, args.lock, "Holds the ACS connection string; purge protection is on.", this);
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
