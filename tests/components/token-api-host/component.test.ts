// Tests of TokenApiHost under the plan harness: every web-app hardening input, the exact app settings (names from
// docs/interfaces.md, no secret in plain text), the plan per environment, and exactly three role assignments.
import { beforeAll, describe, expect, it } from "vitest";
import { TokenApiHost, WEB_APP_LOG_CATEGORIES, detectEngineMode } from "../../../components/token-api-host";
import { tokenApiConfigSchema } from "../../../components/token-api-host/config";
import { BUILT_IN_ROLES } from "../../../components/common/roles";
import { evaluateProgram } from "../../../tools/plan/harness";
import { MOCK_SUBSCRIPTION_ID } from "../../../tools/plan/mocks";
import { SECRET_PLACEHOLDER, type PlanResult } from "../../../tools/plan/types";
import { ofType, only } from "../../support/plan";

const naming = { app: "acs", env: "prod", region: "westeurope", suffix: "abcde" };
const rg = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-test/providers`;
const vaultId = `${rg}/Microsoft.KeyVault/vaults/kv-acs-prod-weu-abcde`;
const cfg = tokenApiConfigSchema.parse({
  plan: { skuName: "P1v3", instanceCount: 2, zoneRedundant: true },
  corsAllowedOrigins: ["https://app.example.com", "http://localhost:5173"],
  oidc: { issuer: "https://login.microsoftonline.com/tenant/v2.0", audience: "api://acs-token" },
});

let plan: PlanResult;
let mode: string;

beforeAll(async () => {
  plan = await evaluateProgram(
    () => {
      mode = detectEngineMode();
      const host = new TokenApiHost("tokenapi", {
      naming,
      resourceGroupName: "rg-test",
      location: "westeurope",
      tags: { env: "prod" },
      subscriptionId: MOCK_SUBSCRIPTION_ID,
      tokenApi: cfg,
      acsEndpoint: "https://acs-acs-prod-weu-abcde.europe.communication.azure.com/",
      keyVault: { id: vaultId, name: "kv-acs-prod-weu-abcde", uri: "https://kv-acs-prod-weu-abcde.vault.azure.net/" },
      acsSecretName: "acs-connection-string",
      appInsightsConnectionString: "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/",
      packagePath: "does/not/exist/token-api.zip",
      diagnostics: { workspaceId: `${rg}/Microsoft.OperationalInsights/workspaces/log` },
      });
      return { principalId: host.principalId };
    },
    { project: "acs-platform", stack: "test" },
  );
});

describe("TokenApiHost", () => {
  it("detects the mock engine, so evaluation needs no artifact", () => {
    expect(mode).toBe("mock");
    expect(only(plan, "azure-native:storage:Blob").inputs).toMatchObject({ blobName: "token-api-placeholder.zip", type: "Block", contentType: "application/zip" });
  });

  it("registers exactly the expected resource types and counts", () => {
    const counts: Record<string, number> = {};
    for (const r of plan.resources.filter((x) => x.type !== "pulumi:pulumi:Stack")) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "acs:web:TokenApiHost": 1,
      "azure-native:storage:StorageAccount": 2,
      "azure-native:storage:Table": 1,
      "azure-native:storage:BlobContainer": 1,
      "azure-native:storage:Blob": 1,
      "azure-native:web:AppServicePlan": 1,
      "azure-native:keyvault:Secret": 1,
      "azure-native:web:WebApp": 1,
      "azure-native:authorization:RoleAssignment": 3,
      "azure-native:monitor:DiagnosticSetting": 3,
    });
  });

  it("runs a zone-redundant Linux plan with the configured SKU and instances", () => {
    expect(only(plan, "azure-native:web:AppServicePlan").inputs).toMatchObject({
      name: "asp-acs-token-prod-weu",
      kind: "linux",
      reserved: true,
      sku: { name: "P1v3", tier: "PremiumV3", capacity: 2 },
      zoneRedundant: true,
    });
  });

  it("hardens the web app", () => {
    const app = only(plan, "azure-native:web:WebApp");
    expect(app.inputs).toMatchObject({
      name: "app-acs-token-prod-weu-abcde",
      kind: "app,linux",
      httpsOnly: true,
      clientAffinityEnabled: false,
      identity: { type: "SystemAssigned" },
    });
    expect(app.inputs["siteConfig"]).toMatchObject({
      linuxFxVersion: "NODE|20-lts",
      minTlsVersion: "1.2",
      scmMinTlsVersion: "1.2",
      ftpsState: "Disabled",
      http20Enabled: true,
      alwaysOn: true,
      healthCheckPath: "/healthz",
      remoteDebuggingEnabled: false,
      cors: { allowedOrigins: ["https://app.example.com", "http://localhost:5173"], supportCredentials: false },
    });
  });

  it("sets exactly the documented app settings, with the telemetry secret as a Key Vault reference", () => {
    const settings = (only(plan, "azure-native:web:WebApp").inputs["siteConfig"] as { appSettings: Array<{ name: string; value: string }> }).appSettings;
    expect(settings).toEqual([
      { name: "ACS_AUTH_MODE", value: "key-vault" },
      { name: "ACS_ENDPOINT", value: "https://acs-acs-prod-weu-abcde.europe.communication.azure.com/" },
      { name: "KEY_VAULT_URI", value: "https://kv-acs-prod-weu-abcde.vault.azure.net/" },
      { name: "ACS_SECRET_NAME", value: "acs-connection-string" },
      { name: "SECRET_REFRESH_SECONDS", value: "300" },
      { name: "OIDC_ISSUER", value: "https://login.microsoftonline.com/tenant/v2.0" },
      { name: "OIDC_AUDIENCE", value: "api://acs-token" },
      { name: "OIDC_REQUIRED_SCOPE", value: "acs.token" },
      { name: "MAPPING_TABLE_ENDPOINT", value: "https://stacstokprodweuabcde.table.core.windows.net" },
      { name: "MAPPING_TABLE_NAME", value: "acsidentities" },
      { name: "TOKEN_ALLOWED_SCOPES", value: "chat,voip" },
      { name: "TOKEN_DEFAULT_LIFETIME_MINUTES", value: "60" },
      { name: "TOKEN_MAX_LIFETIME_MINUTES", value: "1440" },
      { name: "TOKEN_MIN_REMAINING_MINUTES", value: "10" },
      { name: "CORS_ALLOWED_ORIGINS", value: "https://app.example.com,http://localhost:5173" },
      { name: "RATE_LIMIT_PER_USER_PER_MINUTE", value: "30" },
      { name: "RATE_LIMIT_PER_IP_PER_MINUTE", value: "120" },
      { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: "@Microsoft.KeyVault(SecretUri=https://kv-acs-prod-weu-abcde.vault.azure.net/secrets/appinsights-connection-string)" },
      { name: "WEBSITE_RUN_FROM_PACKAGE", value: "https://stacspkgprodweuabcde.blob.core.windows.net/packages/token-api-placeholder.zip" },
      { name: "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", value: "SystemAssigned" },
    ]);
    for (const s of settings) {
      expect(s.value).not.toMatch(/InstrumentationKey=|accesskey=|AccountKey=/i);
    }
    expect(only(plan, "azure-native:keyvault:Secret").inputs["properties"]).toEqual({ value: SECRET_PLACEHOLDER, contentType: "text/plain" });
    expect(JSON.stringify(plan)).not.toContain("InstrumentationKey=");
  });

  it("grants the app identity exactly Key Vault Secrets User, table data and package read, nothing broader", () => {
    const principal = plan.outputs["principalId"];
    expect(principal).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const roleId = (guid: string): string => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment").map((r) => ({
      scope: r.inputs["scope"],
      roleDefinitionId: r.inputs["roleDefinitionId"],
      principalId: r.inputs["principalId"],
      principalType: r.inputs["principalType"],
    }));
    expect(grants).toEqual([
      { scope: vaultId, roleDefinitionId: roleId(BUILT_IN_ROLES.keyVaultSecretsUser), principalId: principal, principalType: "ServicePrincipal" },
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

  it("keeps the mapping data account keyless and both accounts hardened", () => {
    const accounts = ofType(plan, "azure-native:storage:StorageAccount");
    const data = accounts.find((a) => a.name === "tokenapi-data");
    const pkg = accounts.find((a) => a.name === "tokenapi-packages");
    const hardened = { enableHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false, allowCrossTenantReplication: false };
    expect(data?.inputs).toMatchObject({ ...hardened, accountName: "stacstokprodweuabcde", allowSharedKeyAccess: false, defaultToOAuthAuthentication: true });
    expect(pkg?.inputs).toMatchObject({ ...hardened, accountName: "stacspkgprodweuabcde", allowSharedKeyAccess: true });
    expect(only(plan, "azure-native:storage:BlobContainer").inputs).toMatchObject({ publicAccess: "None" });
  });

  it("sends HTTP, console and app logs to the workspace", () => {
    expect(WEB_APP_LOG_CATEGORIES).toEqual(["AppServiceHTTPLogs", "AppServiceConsoleLogs", "AppServiceAppLogs"]);
    expect(only(plan, "azure-native:monitor:DiagnosticSetting", "tokenapi-app-diagnostics").inputs).toMatchObject({
      logs: [
        { category: "AppServiceHTTPLogs", enabled: true },
        { category: "AppServiceConsoleLogs", enabled: true },
        { category: "AppServiceAppLogs", enabled: true },
      ],
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
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
          resourceGroupName: "rg-test",
          location: "westeurope",
          tags: {},
          subscriptionId: MOCK_SUBSCRIPTION_ID,
          tokenApi: cfg,
          acsEndpoint: "https://acs.example/",
          keyVault: { id: vaultId, name: "kv", uri: "https://kv.vault.azure.net/" },
          acsSecretName: "acs-connection-string",
          packagePath: "does/not/exist/token-api.zip",
          engineMode: "deploy",
        }),
    ).toThrow("token API package not found at does/not/exist/token-api.zip. Build it first: run `npm run build`");
  });
});
