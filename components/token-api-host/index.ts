// TokenApiHost: runs the token API (services/token-api) on a hardened Linux App Service — plan, Web App, the
// mapping table, the run-from-package blob — with a user-assigned identity that holds exactly the roles the app
// needs before the site exists, and every log category of the site in the workspace.
//
// Property names checked against @pulumi/azure-native 3.28 web (API 2025-05-01), managedidentity and storage
// (2024-01-01) typings. Deployability (policies/deployability-facts.ts): the site reads a Key Vault reference and
// its package at start-up, so it uses a user-assigned identity granted in advance ("a user-assigned identity can
// be created and given access to the vault in advance", Learn "Use Key Vault references as app settings") and
// depends on those grants; in a virtual network it routes all traffic, because Key Vault references are
// configuration traffic that otherwise takes the public route (Learn "Manage Azure App Service virtual network
// integration routing"); one CORS layer, the app's own (Learn: "Don't try to use App Service CORS and your own CORS
// code together"); basic-auth publishing (SCM, FTP) off; no `sku.tier` (ARM derives it from the SKU name).
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import type { AzureComponentArgs, DiagnosticsArg } from "../common/types";
import { attachDiagnostics } from "../common/diagnostics";
import { attachStorageServiceDiagnostics } from "../common/storage-diagnostics";
import { hardenedStorageAccountArgs } from "../common/storage";
import { resourceName } from "../common/naming";
import { assignRole, blobContainerScope, storageTableScope, type BuiltInRole } from "../common/roles";
import { TOKEN_API_NODE_MAJOR } from "../../policies/deployability-facts";
import {
  appServiceSkuFamily,
  choosePackageSource,
  tokenApiAppSettings,
  type EngineMode,
  type PackageSource,
  type TokenApiSection,
} from "./config";

/**
 * Log category group of the Web App: `allLogs` (the AVM default). On Linux `AppServiceAppLogs` is emitted only for
 * Java SE and Tomcat images (Learn "Azure App Service monitoring data reference"), so naming categories would
 * leave one empty and miss AuditLogs, IPSecAuditLogs and PlatformLogs.
 */
export const WEB_APP_LOG_CATEGORY_GROUPS = ["allLogs"];

/** The Linux runtime stack of the site; the package is bundled for the same major (services/token-api/scripts/build.ts). */
const LINUX_FX_VERSION = `NODE|${TOKEN_API_NODE_MAJOR}-lts`;

/** Name of the Key Vault secret holding the Application Insights connection string. */
export const APP_INSIGHTS_SECRET_NAME = "appinsights-connection-string";

/** Arguments of TokenApiHost (no lock or role assignments: the app's grants are its own and fixed). */
export interface TokenApiHostArgs extends AzureComponentArgs, DiagnosticsArg {
  /** Subscription id, for role definition ids. */
  subscriptionId: pulumi.Input<string>;
  /** Validated `tokenApi` config. */
  tokenApi: TokenApiSection;
  /** `https://HOST/` of the Communication Services resource. */
  acsEndpoint: pulumi.Input<string>;
  /** ARM id of the Communication Services resource: in managed-identity mode the app's identity gets its role there. */
  acsResourceId: pulumi.Input<string>;
  /** The vault holding the ACS connection string (the app reads it; Key Vault references resolve through it). */
  keyVault: { id: pulumi.Input<string>; name: pulumi.Input<string>; uri: pulumi.Input<string> };
  /** Name of the ACS connection-string secret in that vault. */
  acsSecretName: pulumi.Input<string>;
  /** Application Insights connection string; stored as a vault secret and referenced, never a plain setting. */
  appInsightsConnectionString?: pulumi.Input<string>;
  /** How the engine runs; detected from the Pulumi runtime when omitted (tests may force one). */
  engineMode?: EngineMode;
  /**
   * Subnet (delegated to `Microsoft.Web/serverFarms`) for regional VNet integration; omitted means none. With it,
   * the app's private traffic goes through the network, so a vault reached by private endpoint resolves.
   */
  vnetIntegrationSubnetId?: pulumi.Input<string>;
}

/** The engine mode of the current Pulumi runtime: the mock engine, a real preview, or a real update. */
export function detectEngineMode(): EngineMode {
  if (pulumi.runtime.getMonitor() instanceof MockMonitor) return "mock";
  return pulumi.runtime.isDryRun() ? "preview" : "deploy";
}

/** The hosted token API. */
export class TokenApiHost extends pulumi.ComponentResource {
  /** Resource id of the Web App. */
  declare readonly id: pulumi.Output<string>;
  /** Name of the Web App. */
  declare readonly name: pulumi.Output<string>;
  /** Principal id of the Web App's user-assigned identity. */
  declare readonly principalId: pulumi.Output<string>;
  /** Default host name of the Web App. */
  declare readonly hostName: pulumi.Output<string>;
  /** `https://<host name>`. */
  declare readonly url: pulumi.Output<string>;
  /** Name of the mapping table. */
  declare readonly mappingTableName: pulumi.Output<string>;
  /** Resource id of the App Service plan. */
  declare readonly planId: pulumi.Output<string>;

  constructor(name: string, args: TokenApiHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:web:TokenApiHost", name, {}, opts);
    const parent = { parent: this };
    const cfg = args.tokenApi;
    // Decided before any child is registered, so a deploy without the package stops before creating anything.
    const source = resolvePackageSource(args.tokenApi.packagePath, args.engineMode ?? detectEngineMode());
    const hardened = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags, skuName: "Standard_LRS" };

    // Mapping data: Entra-only access (the app uses its managed identity).
    const dataAccount = new storage.StorageAccount(
      `${name}-data`,
      { ...hardenedStorageAccountArgs({ ...hardened, entraOnly: true }), accountName: resourceName("storageAccount", args.naming, "tok") },
      parent,
    );
    const table = new storage.Table(
      `${name}-mapping-table`,
      { tableName: cfg.mappingTableName, accountName: dataAccount.name, resourceGroupName: args.resourceGroupName },
      parent,
    );

    // Packages: shared-key access stays on here only because azure-native uploads `storage.Blob` with the account
    // key (pulumi/pulumi-azure-native#2015, #3719); the app itself reads the blob with its managed identity.
    const packageAccount = new storage.StorageAccount(
      `${name}-packages`,
      { ...hardenedStorageAccountArgs({ ...hardened, entraOnly: false }), accountName: resourceName("storageAccount", args.naming, "pkg") },
      parent,
    );
    const packageContainer = new storage.BlobContainer(
      `${name}-package-container`,
      { containerName: "packages", accountName: packageAccount.name, resourceGroupName: args.resourceGroupName, publicAccess: "None" },
      parent,
    );
    const blob = new storage.Blob(
      `${name}-package`,
      {
        blobName: source.blobName,
        accountName: packageAccount.name,
        containerName: packageContainer.name,
        resourceGroupName: args.resourceGroupName,
        type: "Block",
        contentType: "application/zip",
        source: source.asset,
      },
      parent,
    );
    const packageUrl = pulumi.interpolate`${packageAccount.primaryEndpoints.blob}${packageContainer.name}/${blob.name}`;

    if (appServiceSkuFamily(cfg.plan.skuName) === undefined) {
      throw new Error(`tokenApi.plan.skuName "${cfg.plan.skuName}" is not an accepted App Service SKU`);
    }
    const plan = new web.AppServicePlan(
      `${name}-plan`,
      {
        name: resourceName("appServicePlan", args.naming, "token"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "linux",
        reserved: true,
        // No tier: ARM derives it from the name (P0v3 is Premium0V3, P*mv3 PremiumMV3, not PremiumV3).
        sku: { name: cfg.plan.skuName, capacity: cfg.plan.instanceCount },
        zoneRedundant: cfg.plan.zoneRedundant,
        tags: args.tags,
      },
      parent,
    );

    let appInsightsSecretUri: pulumi.Output<string> | undefined;
    if (args.appInsightsConnectionString !== undefined) {
      const aiSecret = new keyvault.Secret(
        `${name}-appinsights-secret`,
        {
          secretName: APP_INSIGHTS_SECRET_NAME,
          vaultName: args.keyVault.name,
          resourceGroupName: args.resourceGroupName,
          properties: { value: pulumi.secret(args.appInsightsConnectionString), contentType: "text/plain" },
          tags: args.tags,
        },
        { parent: this, additionalSecretOutputs: ["properties"] },
      );
      // Versionless URI: the reference follows new versions.
      appInsightsSecretUri = pulumi.unsecret(aiSecret.properties.apply((p) => p.secretUri));
    }

    // The identity exists, with its roles, before the site: the first start already resolves the Key Vault
    // reference and mounts the package (a system-assigned identity would only exist once the site did).
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      {
        resourceName: resourceName("userAssignedIdentity", args.naming, "token"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
      },
      parent,
    );
    const principalId = identity.principalId;
    const grant = (key: string, role: BuiltInRole, scope: pulumi.Input<string>): authorization.RoleAssignment =>
      assignRole(
        name,
        {
          suffix: args.naming.suffix,
          key,
          role,
          scope,
          subscriptionId: args.subscriptionId,
          principalId,
          description: `Token API ${name}: ${role}`,
        },
        this,
      );
    const grants = [
      grant("keyvault-secrets", "keyVaultSecretsUser", args.keyVault.id),
      grant(
        "mapping-table",
        "storageTableDataContributor",
        pulumi.all([dataAccount.id, table.name]).apply(([id, t]) => storageTableScope(id, t)),
      ),
      grant(
        "package-reader",
        "storageBlobDataReader",
        pulumi.all([packageAccount.id, packageContainer.name]).apply(([id, c]) => blobContainerScope(id, c)),
      ),
      // Managed-identity mode calls the ACS identity API with an Entra token of this identity, which ACS accepts
      // only with a role on the resource ("Grant your managed identity access to the Communication Services
      // resource", Learn https://learn.microsoft.com/azure/communication-services/how-tos/managed-identity); the
      // role is in components/common/roles.ts with its sources. Before the site, like the others: the first
      // token request must not meet a 403.
      ...(cfg.acsAuthMode === "managed-identity" ? [grant("acs-identity", "communicationAndEmailServiceOwner", args.acsResourceId)] : []),
    ];

    const mappingTableEndpoint = dataAccount.primaryEndpoints.apply((e) => e.table.replace(/\/+$/, ""));
    const app = new web.WebApp(
      `${name}-app`,
      {
        name: resourceName("webApp", args.naming, "token"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "app,linux",
        serverFarmId: plan.id,
        httpsOnly: true,
        clientAffinityEnabled: false,
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        // Key Vault references resolve with this identity (the default would be the system-assigned one).
        keyVaultReferenceIdentity: identity.id,
        // All traffic into the network: the Key Vault reference is configuration traffic, which `applicationTraffic`
        // alone leaves on the public route, where the vault firewall denies it. The subnet's NAT gateway (Network
        // component) gives ACS, Table, JWKS and package traffic their way out.
        ...(args.vnetIntegrationSubnetId === undefined
          ? {}
          : { virtualNetworkSubnetId: args.vnetIntegrationSubnetId, outboundVnetRouting: { allTraffic: true } }),
        siteConfig: {
          linuxFxVersion: LINUX_FX_VERSION,
          minTlsVersion: "1.2",
          scmMinTlsVersion: "1.2",
          ftpsState: "Disabled",
          http20Enabled: true,
          alwaysOn: cfg.alwaysOn,
          healthCheckPath: "/healthz",
          remoteDebuggingEnabled: false,
          // No `cors`: App Service CORS would override the app's own (CORS_ALLOWED_ORIGINS) and allow any method and header.
          appSettings: tokenApiAppSettings({
            cfg,
            acsEndpoint: args.acsEndpoint,
            keyVaultUri: args.keyVault.uri,
            acsSecretName: args.acsSecretName,
            appInsightsSecretUri,
            mappingTableEndpoint,
            packageUrl,
            identityResourceId: identity.id,
            identityClientId: identity.clientId,
          }),
        },
        tags: args.tags,
      },
      { parent: this, dependsOn: grants },
    );

    // Basic-auth publishing off (azure-native records both as allowed by default; AVM web/site turns them off):
    // deployments use run-from-package with the managed identity, nobody needs SCM or FTP credentials.
    new web.WebAppScmAllowed(`${name}-scm-basic-auth`, { name: app.name, resourceGroupName: args.resourceGroupName, allow: false }, parent);
    new web.WebAppFtpAllowed(`${name}-ftp-basic-auth`, { name: app.name, resourceGroupName: args.resourceGroupName, allow: false }, parent);

    if (args.diagnostics !== undefined) {
      attachDiagnostics(`${name}-app`, app.id, { ...args.diagnostics, logCategoryGroups: WEB_APP_LOG_CATEGORY_GROUPS }, this);
      attachStorageServiceDiagnostics(`${name}-data`, dataAccount.id, ["table"], args.diagnostics, this);
      attachStorageServiceDiagnostics(`${name}-packages`, packageAccount.id, ["blob"], args.diagnostics, this);
    }

    this.id = app.id;
    this.name = app.name;
    this.principalId = principalId;
    this.hostName = app.defaultHostName;
    this.url = pulumi.interpolate`https://${app.defaultHostName}`;
    this.mappingTableName = table.name;
    this.planId = plan.id;
    this.registerOutputs({
      id: this.id,
      name: this.name,
      principalId: this.principalId,
      hostName: this.hostName,
      url: this.url,
      mappingTableName: this.mappingTableName,
      planId: this.planId,
    });
  }
}

/** The blob name and asset for the package: content-addressed when built, a placeholder when evaluation allows. */
function resolvePackageSource(packagePath: string, mode: EngineMode): { blobName: string; asset: pulumi.asset.Asset } {
  const absolute = nodePath.resolve(packagePath);
  const chosen: PackageSource = choosePackageSource(packagePath, fs.existsSync(absolute), mode);
  if (chosen.kind === "file") {
    // A new build gets a new blob name, so the app setting changes and App Service remounts the package.
    const digest = createHash("sha256").update(fs.readFileSync(absolute)).digest("hex").slice(0, 12);
    return { blobName: `token-api-${digest}.zip`, asset: new pulumi.asset.FileAsset(absolute) };
  }
  if (mode === "preview") {
    pulumi.log.warn(chosen.reason + "; `pulumi up` will fail until `npm run build` has produced it");
  }
  return { blobName: "token-api-placeholder.zip", asset: new pulumi.asset.StringAsset("placeholder: run `npm run build`") };
}
