// SecretStore on its own: the options the stack files do not exercise (role assignments, premium SKU, a closed
// vault, the default secure settings), recorded by the plan harness exactly as they would register.
import { describe, expect, it } from "vitest";
import { evaluateProgram } from "../../../tools/plan/harness";
import { SecretStore } from "../../../components/secret-store";
import { SECRET_PLACEHOLDER, type PlanResult, type PlannedResource } from "../../../tools/plan/types";

const tags = { env: "test", owner: "o", costCenter: "c", dataClassification: "internal", service: "s" };
const SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";

function only(plan: PlanResult, type: string): PlannedResource {
  const found = plan.resources.filter((r) => r.type === type);
  expect(found).toHaveLength(1);
  return found[0] as PlannedResource;
}

describe("SecretStore", () => {
  it("defaults to the secure settings and grants the requested roles on the vault", async () => {
    const plan = await evaluateProgram(
      () => {
        const store = new SecretStore("store", {
          resourceGroupName: "rg-test",
          location: "westeurope",
          tags,
          vaultName: "kv-test-weu-abcde",
          tenantId: "tenant-1",
          subscriptionId: "sub-1",
          sku: "premium",
          secretName: "acs-connection-string",
          connectionString: "endpoint=https://x.communication.azure.com/;accesskey=c2VjcmV0",
          activeKey: "secondary",
          diagnostics: { workspaceId: "/ws" },
          roleAssignments: [{ roleDefinitionId: SECRETS_USER, principalId: "principal-app" }],
        });
        return { vaultUri: store.vaultUri, secretUri: store.secretUri };
      },
      { project: "acs-platform", stack: "test" },
    );

    const vault = only(plan, "azure-native:keyvault:Vault");
    expect(vault.inputs).toEqual({
      vaultName: "kv-test-weu-abcde",
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
    expect(secret.inputs["tags"]).toEqual({ ...tags, "acs-active-key": "secondary" });
    expect(JSON.stringify(plan)).not.toContain("c2VjcmV0");

    const role = only(plan, "azure-native:authorization:RoleAssignment");
    expect(role.inputs).toEqual({
      roleAssignmentName: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      scope: vault.id,
      roleDefinitionId: `/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}`,
      principalId: "principal-app",
      principalType: "ServicePrincipal",
    });
    expect(role.parent).toBe(plan.resources.find((r) => r.type === "acs:keyvault:SecretStore")?.urn);

    const diag = only(plan, "azure-native:monitor:DiagnosticSetting");
    expect(diag.inputs).toMatchObject({ resourceUri: vault.id, workspaceId: "/ws", logs: [{ categoryGroup: "audit", enabled: true }] });
    expect(plan.resources.filter((r) => r.type === "azure-native:authorization:ManagementLockByScope")).toEqual([]);
    expect(plan.outputs).toEqual({
      vaultUri: "https://kv-test-weu-abcde.vault.azure.net/",
      secretUri: "https://kv-test-weu-abcde.vault.azure.net/secrets/acs-connection-string",
    });
  });
});
