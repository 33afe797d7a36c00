// SecretStore on its own: the options the stack files do not exercise (keyed role assignments, the lock, premium
// SKU, a closed vault, the default secure settings), recorded by the plan harness exactly as they would register.
import { describe, expect, it } from "vitest";
import { evaluateProgram } from "../../../tools/plan/harness";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/plan/mocks";
import { activeKeyFrom, isNotFound, SecretStore, type SecretStoreArgs } from "../../../components/secret-store";
import { keyVaultConfigSchema } from "../../../components/secret-store/config";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { deterministicGuid } from "../../../components/common/naming";
import type { RoleAssignmentArgs } from "../../../components/common/types";
import { SECRET_PLACEHOLDER, type PlanResult } from "../../../tools/plan/types";
import { ofType, only } from "../../support/plan";

const tags = { env: "test", owner: "o", costCenter: "c", dataClassification: "internal", service: "s" };
const naming = { app: "acs", env: "test", region: "westeurope", suffix: "abcde" };
const roleId = (guid: string) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

// The `keyVault` section's defaults, as a stack that sets nothing gets them.
const { deleteLock: _deleteLock, ...vaultDefaults } = keyVaultConfigSchema.parse(undefined);

const baseArgs: SecretStoreArgs = {
  ...vaultDefaults,
  naming,
  resourceGroupName: "rg-test",
  location: "westeurope",
  tags,
  tenantId: "tenant-1",
  subscriptionId: MOCK_SUBSCRIPTION_ID,
  sku: "premium",
  secretName: "acs-connection-string",
  connectionString: "endpoint=https://x.communication.azure.com/;accesskey=c2VjcmV0",
  activeKey: "secondary",
  acsResourceId: "5c0a8a4e-0000-4000-8000-000000000001",
};

function planOf(args: Partial<SecretStoreArgs>): Promise<PlanResult> {
  return evaluateProgram(
    () => {
      const store = new SecretStore("store", { ...baseArgs, ...args });
      return { vaultUri: store.vaultUri, secretUri: store.secretUri, name: store.name };
    },
    { project: "acs-platform", stack: "test" },
  );
}

const appGrant: RoleAssignmentArgs = { key: "app-secrets", role: "keyVaultSecretsUser", principalId: "principal-app" };
const runbookGrant: RoleAssignmentArgs = {
  key: "runbook-secrets",
  role: "keyVaultSecretsUser",
  principalId: "principal-runbook",
  description: "rotation runbook",
};

describe("SecretStore", () => {
  it("gets a closed vault from the section defaults and grants the requested roles on the vault", async () => {
    const plan = await planOf({ diagnostics: { workspaceId: "/ws" }, roleAssignments: [appGrant] });

    const vault = only(plan, "azure-native:keyvault:Vault");
    expect(vault.inputs).toEqual({
      vaultName: "kv-acs-test-weu-abcde",
      resourceGroupName: "rg-test",
      location: "westeurope",
      tags,
      properties: {
        tenantId: "tenant-1",
        sku: { family: "A", name: "premium" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        publicNetworkAccess: "Disabled",
        networkAcls: { bypass: "AzureServices", defaultAction: "Deny", ipRules: [] },
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
      },
    });
    expect(vault.options.protect).toBeUndefined();

    const secret = only(plan, "azure-native:keyvault:Secret");
    expect(secret.inputs["properties"]).toEqual({ value: SECRET_PLACEHOLDER, contentType: "text/plain" });
    expect(secret.inputs["tags"]).toEqual({
      ...tags,
      "acs-active-key": "secondary",
      "acs-immutable-resource-id": "5c0a8a4e-0000-4000-8000-000000000001",
    });
    // Nothing ignored: the key comes from the deployed secret (activeKeyFrom), and a re-created ACS gets its own string.
    expect(secret.options.ignoreChanges).toBeUndefined();
    expect(JSON.stringify(plan)).not.toContain("c2VjcmV0");

    const role = only(plan, "azure-native:authorization:RoleAssignment", "store-ra-app-secrets");
    expect(role.inputs).toEqual({
      roleAssignmentName: deterministicGuid("abcde", "store", "app-secrets", "keyVaultSecretsUser"),
      scope: vault.id,
      roleDefinitionId: roleId(BUILT_IN_ROLES.keyVaultSecretsUser),
      principalId: "principal-app",
      principalType: "ServicePrincipal",
      description: "store: keyVaultSecretsUser",
    });
    expect(role.parent).toBe(only(plan, "acs:keyvault:SecretStore").urn);

    const diag = only(plan, "azure-native:monitor:DiagnosticSetting");
    expect(diag.inputs).toMatchObject({ resourceUri: vault.id, workspaceId: "/ws", logs: [{ categoryGroup: "audit", enabled: true }] });
    expect(ofType(plan, "azure-native:authorization:ManagementLockByScope")).toEqual([]);
    expect(plan.outputs).toEqual({
      vaultUri: "https://kv-acs-test-weu-abcde.vault.azure.net/",
      secretUri: "https://kv-acs-test-weu-abcde.vault.azure.net/secrets/acs-connection-string",
      name: "kv-acs-test-weu-abcde",
    });
  });

  it("keys role assignments, so reordering the list keeps every assignment's URN and Azure name", async () => {
    const identity = (p: PlanResult) =>
      ofType(p, "azure-native:authorization:RoleAssignment")
        .map((r) => ({
          urn: r.urn,
          name: r.inputs["roleAssignmentName"],
          principalId: r.inputs["principalId"],
          description: r.inputs["description"],
        }))
        .sort((a, b) => a.urn.localeCompare(b.urn));
    const forward = identity(await planOf({ roleAssignments: [appGrant, runbookGrant] }));
    const reversed = identity(await planOf({ roleAssignments: [runbookGrant, appGrant] }));
    expect(reversed).toEqual(forward);
    expect(forward.map((r) => [r.urn.split("::").pop(), r.principalId, r.description])).toEqual([
      ["store-ra-app-secrets", "principal-app", "store: keyVaultSecretsUser"],
      ["store-ra-runbook-secrets", "principal-runbook", "rotation runbook"],
    ]);
  });

  it("locks and protects the vault when asked", async () => {
    const plan = await planOf({ lock: "CanNotDelete" });
    const vault = only(plan, "azure-native:keyvault:Vault");
    expect(vault.options.protect).toBe(true);
    const lock = only(plan, "azure-native:authorization:ManagementLockByScope", "store-lock");
    expect(lock.inputs).toEqual({
      scope: vault.id,
      level: "CanNotDelete",
      lockName: "do-not-delete",
      notes: "Holds the ACS connection string; purge protection is on.",
    });
    expect(lock.parent).toBe(only(plan, "acs:keyvault:SecretStore").urn);
  });
});

describe("the key the secret holds", () => {
  it.each<[unknown, "primary" | "secondary", "primary" | "secondary"]>([
    // The rotation runbook's tag wins over config, so `pulumi up` after a rotation writes what the runbook wrote.
    ["secondary", "primary", "secondary"],
    ["primary", "secondary", "primary"],
    // No deployed secret (first deploy) or a tag that names no key: the configured key.
    [undefined, "secondary", "secondary"],
    ["tertiary", "primary", "primary"],
  ])("deployed tag %j with config %s -> %s", (tag, configured, expected) => {
    expect(activeKeyFrom(tag, configured)).toBe(expected);
  });

  it.each<[unknown, boolean]>([
    [new Error('Status=404 Code="SecretNotFound" Message="Secret not found"'), true],
    [new Error('Code="ResourceGroupNotFound" Message="Resource group \'rg\' could not be found."'), true],
    [new Error('Status=403 Code="AuthorizationFailed"'), false],
    ["socket hang up", false],
  ])("%s is a missing secret: %s", (error, expected) => {
    expect(isNotFound(error)).toBe(expected);
  });
});
