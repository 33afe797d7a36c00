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
import * as pulumi from "@pulumi/pulumi";
import type { AzureComponentArgs, DiagnosticsArg } from "../common/types";
import type { StorageSection } from "../common/storage-config";
import { attachDiagnostics } from "../common/diagnostics";
import { attachStorageServiceDiagnostics } from "../common/storage-diagnostics";
import type { EngineMode, TokenApiSection } from "./config";
import { identityWithGrants } from "./identity";
import { detectEngineMode, resolvePackageSource } from "./package-source";
import { appInsightsSecret, servicePlan, site } from "./site";
import { mappingStorage, packageStorage } from "./storage";

/**
 * Log category group of the Web App: `allLogs` (the AVM default). On Linux `AppServiceAppLogs` is emitted only for
 * Java SE and Tomcat images (Learn "Azure App Service monitoring data reference"), so naming categories would
 * leave one empty and miss AuditLogs, IPSecAuditLogs and PlatformLogs.
 */
export const WEB_APP_LOG_CATEGORY_GROUPS = ["allLogs"];

/** Arguments of TokenApiHost (no lock or role assignments: the app's grants are its own and fixed). */
export interface TokenApiHostArgs extends AzureComponentArgs, DiagnosticsArg {
  /** Subscription id, for role definition ids. */
  subscriptionId: pulumi.Input<string>;
  /** Validated `tokenApi` config. */
  tokenApi: TokenApiSection;
  /** Validated `storage` config: the two accounts' SKU, firewall and soft delete. */
  storage: StorageSection;
  /** `https://HOST/` of the Communication Services resource. */
  acsEndpoint: pulumi.Input<string>;
  /** ARM id of the Communication Services resource: in managed-identity mode the app's identity gets its role there. */
  acsResourceId: pulumi.Input<string>;
  /** The vault holding the ACS connection string (the app reads it; Key Vault references resolve through it). */
  keyVault: { id: pulumi.Input<string>; name: pulumi.Input<string>; uri: pulumi.Input<string> };
  /** Name of the ACS connection-string secret in that vault. */
  acsSecretName: pulumi.Input<string>;
  /**
   * Application Insights (Entra-only ingestion): its connection string is stored as a vault secret and referenced,
   * never a plain setting; the app's identity gets Monitoring Metrics Publisher on `id` and sends with it.
   */
  appInsights?: { id: pulumi.Input<string>; connectionString: pulumi.Input<string> };
  /** How the engine runs; detected from the Pulumi runtime when omitted (tests may force one). */
  engineMode?: EngineMode;
  /**
   * Subnet (delegated to `Microsoft.Web/serverFarms`) for regional VNet integration; omitted means none. With it,
   * the app's private traffic goes through the network, so a vault reached by private endpoint resolves.
   */
  vnetIntegrationSubnetId?: pulumi.Input<string>;
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
  /** `https://ACCOUNT.table.core.windows.net` of the mapping table (read by `npm run archive-chat`). */
  declare readonly mappingTableEndpoint: pulumi.Output<string>;
  /** Resource id of the App Service plan. */
  declare readonly planId: pulumi.Output<string>;

  constructor(name: string, args: TokenApiHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:web:TokenApiHost", name, {}, opts);
    // Decided before any child is registered, so a deploy without the package stops before creating anything.
    const source = resolvePackageSource(args.tokenApi.packagePath, args.engineMode ?? detectEngineMode());

    const data = mappingStorage(this, name, args);
    const packages = packageStorage(this, name, args, source);
    const plan = servicePlan(this, name, args);
    const appInsightsSecretUri = appInsightsSecret(this, name, args);
    const { identity, grants } = identityWithGrants(this, name, args, data, packages);
    const app = site(this, name, args, {
      planId: plan.id,
      identity,
      grants,
      appInsightsSecretUri,
      mappingTableEndpoint: data.endpoint,
      packageUrl: packages.url,
    });

    if (args.diagnostics !== undefined) {
      attachDiagnostics(`${name}-app`, app.id, { ...args.diagnostics, logCategoryGroups: WEB_APP_LOG_CATEGORY_GROUPS }, this);
      attachStorageServiceDiagnostics(`${name}-data`, data.account.id, ["table"], args.diagnostics, this);
      attachStorageServiceDiagnostics(`${name}-packages`, packages.account.id, ["blob"], args.diagnostics, this);
    }

    this.id = app.id;
    this.name = app.name;
    this.principalId = identity.principalId;
    this.hostName = app.defaultHostName;
    this.url = pulumi.interpolate`https://${app.defaultHostName}`;
    this.mappingTableName = data.table.name;
    this.mappingTableEndpoint = data.endpoint;
    this.planId = plan.id;
    this.registerOutputs({
      id: this.id,
      name: this.name,
      principalId: this.principalId,
      hostName: this.hostName,
      url: this.url,
      mappingTableName: this.mappingTableName,
      mappingTableEndpoint: this.mappingTableEndpoint,
      planId: this.planId,
    });
  }
}
