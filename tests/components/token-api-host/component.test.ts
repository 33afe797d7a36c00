// Tests of TokenApiHost under the plan harness: every web-app hardening input, the exact app settings (names from
// docs/interfaces.md, no secret in plain text), the plan, and exactly three role assignments to a user-assigned
// identity that exist before the site does (four in managed-identity mode: the fourth on the ACS resource).
import { storageConfigSchema } from "../../../components/common/storage-config";
import { beforeAll, describe, expect, it } from "vitest";
import { TokenApiHost, WEB_APP_LOG_CATEGORY_GROUPS } from "../../../components/token-api-host";
import { detectEngineMode } from "../../../components/token-api-host/package-source";
import { TOKEN_API_NODE_MAJOR } from "../../../policies/deployability-facts";
import { tokenApiConfigSchema } from "../../../components/token-api-host/config";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { evaluateProgram } from "../../../tools/plan/harness";
import { MOCK_SUBSCRIPTION_ID, mockGuid } from "../../../tools/plan/mocks";
import { SECRET_PLACEHOLDER, type PlanResult } from "../../../tools/plan/types";
import { countByType, ofType, only } from "../../support/plan";

const naming = { app: "acs", env: "prod", region: "westeurope", suffix: "abcde" };
const rg = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-test/providers`;
const vaultId = `${rg}/Microsoft.KeyVault/vaults/kv-acs-prod-weu-abcde`;
const acsId = `${rg}/Microsoft.Communication/communicationServices/acs-acs-prod-weu-abcde`;
const appInsightsId = `${rg}/Microsoft.Insights/components/appi-acs-prod-weu`;
const cfg = tokenApiConfigSchema.parse({
  plan: { skuName: "P1v3", instanceCount: 2, zoneRedundant: true },
  corsAllowedOrigins: ["https://app.example.com", "http://localhost:5173"],
  oidc: {
    issuer: "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0",
    audience: "22222222-2222-2222-2222-222222222222",
  },
});

let plan: PlanResult;
/** The same host with `acsAuthMode: managed-identity`. */
let managedIdentityPlan: PlanResult;
let mode: string;

function evaluateHost(tokenApi: typeof cfg): Promise<PlanResult> {
  return evaluateProgram(
    () => {
      mode = detectEngineMode();
      const host = new TokenApiHost("tokenapi", {
        naming,
        storage: storageConfigSchema.parse({}),
        resourceGroupName: "rg-test",
        location: "westeurope",
        tags: { env: "prod" },
        subscriptionId: MOCK_SUBSCRIPTION_ID,
        // A package path that does not exist: under the mock engine the component declares a placeholder blob.
        tokenApi: { ...tokenApi, packagePath: "does/not/exist/token-api.zip" },
        acsEndpoint: "https://acs-acs-prod-weu-abcde.europe.communication.azure.com/",
        acsResourceId: acsId,
        keyVault: { id: vaultId, name: "kv-acs-prod-weu-abcde", uri: "https://kv-acs-prod-weu-abcde.vault.azure.net/" },
        acsSecretName: "acs-connection-string",
        appInsights: {
          id: appInsightsId,
          connectionString: "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/",
        },
        diagnostics: { workspaceId: `${rg}/Microsoft.OperationalInsights/workspaces/log` },
      });
      return { principalId: host.principalId };
    },
    { project: "acs-platform", stack: "test" },
  );
}

beforeAll(async () => {
  // Sequential: Pulumi's runtime state is global.
  plan = await evaluateHost(cfg);
  managedIdentityPlan = await evaluateHost({ ...cfg, acsAuthMode: "managed-identity" });
});

describe("TokenApiHost", () => {
  it("detects the mock engine, so evaluation needs no artifact", () => {
    expect(mode).toBe("mock");
    expect(only(plan, "azure-native:storage:Blob").inputs).toMatchObject({
      blobName: "token-api-placeholder.zip",
      type: "Block",
      contentType: "application/zip",
    });
  });

  it("registers exactly the expected resource types and counts", () => {
    expect(countByType(plan, (x) => x.type !== "pulumi:pulumi:Stack")).toEqual({
      "acs:web:TokenApiHost": 1,
      "azure-native:storage:StorageAccount": 2,
      "azure-native:storage:BlobServiceProperties": 2,
      "azure-native:storage:Table": 1,
      "azure-native:storage:BlobContainer": 1,
      "azure-native:storage:Blob": 1,
      "azure-native:web:AppServicePlan": 1,
      "azure-native:keyvault:Secret": 1,
      "azure-native:web:WebApp": 1,
      "azure-native:web:WebAppScmAllowed": 1,
      "azure-native:web:WebAppFtpAllowed": 1,
      "azure-native:managedidentity:UserAssignedIdentity": 1,
      "azure-native:authorization:RoleAssignment": 4,
      "azure-native:monitor:DiagnosticSetting": 3,
    });
  });

  it("runs a zone-redundant Linux plan with the configured SKU and instances, and no sku.tier (ARM derives it)", () => {
    expect(only(plan, "azure-native:web:AppServicePlan").inputs).toMatchObject({
      name: "asp-acs-token-prod-weu",
      kind: "linux",
      reserved: true,
      sku: { name: "P1v3", capacity: 2 },
      zoneRedundant: true,
    });
    expect(only(plan, "azure-native:web:AppServicePlan").inputs["sku"]).toEqual({ name: "P1v3", capacity: 2 });
  });

  it("hardens the web app", () => {
    const app = only(plan, "azure-native:web:WebApp");
    expect(app.inputs).toMatchObject({
      name: "app-acs-token-prod-weu-abcde",
      kind: "app,linux",
      httpsOnly: true,
      clientAffinityEnabled: false,
      identity: { type: "UserAssigned", userAssignedIdentities: [only(plan, "azure-native:managedidentity:UserAssignedIdentity").id] },
      keyVaultReferenceIdentity: only(plan, "azure-native:managedidentity:UserAssignedIdentity").id,
    });
    expect(app.inputs["siteConfig"]).toMatchObject({
      linuxFxVersion: "NODE|22-lts",
      // Not the SDK's default v4.6, which PSRule Azure.AppService.NETVersion reads as an outdated .NET Framework.
      netFrameworkVersion: "v4.0",
      minTlsVersion: "1.2",
      scmMinTlsVersion: "1.2",
      ftpsState: "Disabled",
      http20Enabled: true,
      alwaysOn: true,
      healthCheckPath: "/healthz",
      remoteDebuggingEnabled: false,
    });
    // One CORS layer, the app's own (CORS_ALLOWED_ORIGINS): App Service CORS would override it.
    expect(app.inputs["siteConfig"]).not.toHaveProperty("cors");
    // Without VNet integration nothing is routed.
    expect(app.inputs).not.toHaveProperty("outboundVnetRouting");
  });

  it("turns basic-auth publishing off for SCM and FTP", () => {
    for (const type of ["azure-native:web:WebAppScmAllowed", "azure-native:web:WebAppFtpAllowed"]) {
      expect([type, only(plan, type).inputs]).toEqual([
        type,
        { name: "app-acs-token-prod-weu-abcde", resourceGroupName: "rg-test", allow: false },
      ]);
    }
  });

  it("runs on the Node major the package is bundled for (scripts/build.ts takes its target from the same constant)", () => {
    expect((only(plan, "azure-native:web:WebApp").inputs["siteConfig"] as Record<string, unknown>)["linuxFxVersion"]).toBe(
      `NODE|${TOKEN_API_NODE_MAJOR}-lts`,
    );
  });

  it("creates the identity and its role assignments before the site: the web app depends on every grant", () => {
    const identity = only(plan, "azure-native:managedidentity:UserAssignedIdentity");
    expect(identity.inputs).toEqual({
      resourceName: "id-acs-token-prod-weu",
      resourceGroupName: "rg-test",
      location: "westeurope",
      tags: { env: "prod" },
    });
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment");
    const app = only(plan, "azure-native:web:WebApp");
    expect(grants.map((g) => g.name).sort()).toEqual([
      "tokenapi-ra-appinsights-publisher",
      "tokenapi-ra-keyvault-secrets",
      "tokenapi-ra-mapping-table",
      "tokenapi-ra-package-reader",
    ]);
    for (const g of grants) {
      expect([g.name, g.dependencies.includes(identity.urn), app.dependencies.includes(g.urn)]).toEqual([g.name, true, true]);
    }
  });

  it("sets exactly the documented app settings, with the telemetry secret as a Key Vault reference", () => {
    const settings = (only(plan, "azure-native:web:WebApp").inputs["siteConfig"] as { appSettings: Array<{ name: string; value: string }> })
      .appSettings;
    expect(settings).toEqual([
      { name: "ACS_AUTH_MODE", value: "key-vault" },
      { name: "ACS_ENDPOINT", value: "https://acs-acs-prod-weu-abcde.europe.communication.azure.com/" },
      { name: "KEY_VAULT_URI", value: "https://kv-acs-prod-weu-abcde.vault.azure.net/" },
      { name: "ACS_SECRET_NAME", value: "acs-connection-string" },
      { name: "SECRET_REFRESH_SECONDS", value: "300" },
      { name: "OIDC_ISSUER", value: "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0" },
      { name: "OIDC_AUDIENCE", value: "22222222-2222-2222-2222-222222222222" },
      { name: "OIDC_REQUIRED_SCOPE", value: "acs.token" },
      { name: "MAPPING_TABLE_ENDPOINT", value: "https://stacstokprodweuabcde.table.core.windows.net" },
      { name: "MAPPING_TABLE_NAME", value: "acsidentities" },
      { name: "TOKEN_ALLOWED_SCOPES", value: "chat.join.limited,voip.join" },
      { name: "TOKEN_DEFAULT_LIFETIME_MINUTES", value: "60" },
      { name: "TOKEN_MAX_LIFETIME_MINUTES", value: "1440" },
      { name: "TOKEN_MIN_REMAINING_MINUTES", value: "10" },
      { name: "CORS_ALLOWED_ORIGINS", value: "https://app.example.com,http://localhost:5173" },
      { name: "RATE_LIMIT_PER_USER_PER_MINUTE", value: "30" },
      { name: "RATE_LIMIT_PER_IP_PER_MINUTE", value: "120" },
      { name: "CONVERSATIONS_MANAGE_ROLE", value: "conversations.manage" },
      {
        name: "APPLICATIONINSIGHTS_CONNECTION_STRING",
        value: "@Microsoft.KeyVault(SecretUri=https://kv-acs-prod-weu-abcde.vault.azure.net/secrets/appinsights-connection-string)",
      },
      { name: "APPLICATIONINSIGHTS_AUTH_MODE", value: "managed-identity" },
      { name: "WEBSITE_RUN_FROM_PACKAGE", value: "https://stacspkgprodweuabcde.blob.core.windows.net/packages/token-api-placeholder.zip" },
      { name: "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", value: only(plan, "azure-native:managedidentity:UserAssignedIdentity").id },
      { name: "AZURE_CLIENT_ID", value: mockGuid("uai-client/id-acs-token-prod-weu") },
    ]);
    for (const s of settings) {
      expect(s.value).not.toMatch(/InstrumentationKey=|accesskey=|AccountKey=/i);
    }
    expect(only(plan, "azure-native:keyvault:Secret").inputs["properties"]).toEqual({
      value: SECRET_PLACEHOLDER,
      contentType: "text/plain",
    });
    expect(JSON.stringify(plan)).not.toContain("InstrumentationKey=");
  });

  it("grants the app identity exactly Key Vault Secrets User, table data, package read and telemetry publishing, nothing broader", () => {
    const principal = plan.outputs["principalId"];
    expect(principal).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const roleId = (guid: string): string =>
      `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment").map((r) => ({
      scope: r.inputs["scope"],
      roleDefinitionId: r.inputs["roleDefinitionId"],
      principalId: r.inputs["principalId"],
      principalType: r.inputs["principalType"],
    }));
    expect(grants).toEqual([
      {
        scope: vaultId,
        roleDefinitionId: roleId(BUILT_IN_ROLES.keyVaultSecretsUser),
        principalId: principal,
        principalType: "ServicePrincipal",
      },
      {
        // Only the one component, and the role's exact GUID (Learn "Azure built-in roles for Monitor").
        scope: appInsightsId,
        roleDefinitionId: roleId("3913510d-42f4-4e42-8a64-420c390055eb"),
        principalId: principal,
        principalType: "ServicePrincipal",
      },
      {
        scope: `${rg}/Microsoft.Storage/storageAccounts/stacstokprodweuabcde/tableServices/default/tables/acsidentities`,
        roleDefinitionId: roleId(BUILT_IN_ROLES.storageTableDataContributor),
        principalId: principal,
        principalType: "ServicePrincipal",
      },
      {
        scope: `${rg}/Microsoft.Storage/storageAccounts/stacspkgprodweuabcde/blobServices/default/containers/packages`,
        roleDefinitionId: roleId(BUILT_IN_ROLES.storageBlobDataReader),
        principalId: principal,
        principalType: "ServicePrincipal",
      },
    ]);
  });

  it("in managed-identity mode also grants the identity Communication and Email Service Owner on the ACS resource, before the site", () => {
    const identity = only(managedIdentityPlan, "azure-native:managedidentity:UserAssignedIdentity");
    const principal = managedIdentityPlan.outputs["principalId"];
    expect(principal).toBe(mockGuid(`uai-principal/${String(identity.inputs["resourceName"])}`));
    const grants = ofType(managedIdentityPlan, "azure-native:authorization:RoleAssignment");
    expect(grants.map((g) => g.name).sort()).toEqual([
      "tokenapi-ra-acs-identity",
      "tokenapi-ra-appinsights-publisher",
      "tokenapi-ra-keyvault-secrets",
      "tokenapi-ra-mapping-table",
      "tokenapi-ra-package-reader",
    ]);
    const acs = grants.find((g) => g.name === "tokenapi-ra-acs-identity")!;
    expect({ ...acs.inputs, roleAssignmentName: "-" }).toEqual({
      roleAssignmentName: "-",
      scope: acsId,
      roleDefinitionId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/09976791-48a7-449e-bb21-39d1a415f350`,
      principalId: principal,
      principalType: "ServicePrincipal",
      description: "Token API tokenapi: communicationAndEmailServiceOwner",
    });
    expect(acs.dependencies).toContain(identity.urn);
    const app = only(managedIdentityPlan, "azure-native:web:WebApp");
    expect(app.dependencies).toContain(acs.urn);
    const settings = (app.inputs["siteConfig"] as { appSettings: Array<{ name: string; value: string }> }).appSettings;
    expect(settings.find((x) => x.name === "ACS_AUTH_MODE")?.value).toBe("managed-identity");
  });

  it("in key-vault mode grants nothing on ACS", () => {
    const scopes = ofType(plan, "azure-native:authorization:RoleAssignment").map((g) => String(g.inputs["scope"]));
    expect(scopes.filter((x) => x.includes("Microsoft.Communication"))).toEqual([]);
  });

  it("keeps the mapping data account keyless and both accounts hardened", () => {
    const accounts = ofType(plan, "azure-native:storage:StorageAccount");
    const data = accounts.find((a) => a.name === "tokenapi-data");
    const pkg = accounts.find((a) => a.name === "tokenapi-packages");
    const hardened = {
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowCrossTenantReplication: false,
    };
    expect(data?.inputs).toMatchObject({
      ...hardened,
      accountName: "stacstokprodweuabcde",
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
    });
    expect(pkg?.inputs).toMatchObject({ ...hardened, accountName: "stacspkgprodweuabcde", allowSharedKeyAccess: true });
    expect(only(plan, "azure-native:storage:BlobContainer").inputs).toMatchObject({ publicAccess: "None" });
  });

  it("sends every log category of the site (allLogs) to the workspace", () => {
    expect(WEB_APP_LOG_CATEGORY_GROUPS).toEqual(["allLogs"]);
    const setting = only(plan, "azure-native:monitor:DiagnosticSetting", "tokenapi-app-diagnostics").inputs;
    expect(setting).toMatchObject({
      logs: [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    expect(setting).not.toHaveProperty("logAnalyticsDestinationType");
    expect(only(plan, "azure-native:monitor:DiagnosticSetting", "tokenapi-data-table-diagnostics").inputs["resourceUri"]).toBe(
      `${rg}/Microsoft.Storage/storageAccounts/stacstokprodweuabcde/tableServices/default`,
    );
    expect(only(plan, "azure-native:monitor:DiagnosticSetting", "tokenapi-packages-blob-diagnostics").inputs["resourceUri"]).toBe(
      `${rg}/Microsoft.Storage/storageAccounts/stacspkgprodweuabcde/blobServices/default`,
    );
  });

  it("refuses a real deploy without the built package and says how to build it", () => {
    expect(
      () =>
        new TokenApiHost("deploy-without-package", {
          naming,
          storage: storageConfigSchema.parse({}),
          resourceGroupName: "rg-test",
          location: "westeurope",
          tags: {},
          subscriptionId: MOCK_SUBSCRIPTION_ID,
          tokenApi: { ...cfg, packagePath: "does/not/exist/token-api.zip" },
          acsEndpoint: "https://acs.example/",
          acsResourceId: acsId,
          keyVault: { id: vaultId, name: "kv", uri: "https://kv.vault.azure.net/" },
          acsSecretName: "acs-connection-string",
          engineMode: "deploy",
        }),
    ).toThrow("token API package not found at does/not/exist/token-api.zip. Build it first: run `npm run build`");
  });
});
