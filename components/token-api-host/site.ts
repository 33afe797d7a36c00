// The token API's App Service: its plan, the Application Insights connection string as a vault secret the site
// references, and the hardened Linux Web App with its user-assigned identity (basic-auth publishing off).
import * as pulumi from "@pulumi/pulumi";
import type * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as web from "@pulumi/azure-native/web";
import { resourceName } from "../common/naming";
import { TOKEN_API_NODE_MAJOR } from "../../policies/deployability-facts";
import { appServiceSkuFamily, tokenApiAppSettings } from "./config";
import type { TokenApiHostArgs } from "./index";

/** The Linux runtime stack of the site; the package is bundled for the same major (services/token-api/scripts/build.ts). */
const LINUX_FX_VERSION = `NODE|${TOKEN_API_NODE_MAJOR}-lts`;

/** What the site states as its .NET Framework version: not used on Linux, and not the SDK's outdated default. */
export const NET_FRAMEWORK_VERSION = "v4.0";

/** Name of the Key Vault secret holding the Application Insights connection string. */
export const APP_INSIGHTS_SECRET_NAME = "appinsights-connection-string";

/** The Linux App Service plan; no `sku.tier`: ARM derives it from the name (P0v3 is Premium0V3, P*mv3 PremiumMV3). */
export function servicePlan(host: pulumi.ComponentResource, name: string, args: TokenApiHostArgs): web.AppServicePlan {
  const { plan } = args.tokenApi;
  if (appServiceSkuFamily(plan.skuName) === undefined) {
    throw new Error(`tokenApi.plan.skuName "${plan.skuName}" is not an accepted App Service SKU`);
  }
  return new web.AppServicePlan(
    `${name}-plan`,
    {
      name: resourceName("appServicePlan", args.naming, "token"),
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: "linux",
      reserved: true,
      sku: { name: plan.skuName, capacity: plan.instanceCount },
      zoneRedundant: plan.zoneRedundant,
      tags: args.tags,
    },
    { parent: host },
  );
}

/** The Application Insights connection string as a vault secret; its versionless URI (the reference follows new versions). */
export function appInsightsSecret(host: pulumi.ComponentResource, name: string, args: TokenApiHostArgs): pulumi.Output<string> | undefined {
  if (args.appInsights === undefined) return undefined;
  const secret = new keyvault.Secret(
    `${name}-appinsights-secret`,
    {
      secretName: APP_INSIGHTS_SECRET_NAME,
      vaultName: args.keyVault.name,
      resourceGroupName: args.resourceGroupName,
      properties: { value: pulumi.secret(args.appInsights.connectionString), contentType: "text/plain" },
      tags: args.tags,
    },
    { parent: host, additionalSecretOutputs: ["properties"] },
  );
  return pulumi.unsecret(secret.properties.apply((p) => p.secretUri));
}

/** The Web App, created after its identity's grants, and its basic-auth publishing policies turned off. */
export function site(
  host: pulumi.ComponentResource,
  name: string,
  args: TokenApiHostArgs,
  inputs: {
    planId: pulumi.Input<string>;
    identity: managedidentity.UserAssignedIdentity;
    grants: authorization.RoleAssignment[];
    appInsightsSecretUri: pulumi.Output<string> | undefined;
    mappingTableEndpoint: pulumi.Input<string>;
    packageUrl: pulumi.Input<string>;
  },
): web.WebApp {
  const { identity } = inputs;
  const app = new web.WebApp(
    `${name}-app`,
    {
      name: resourceName("webApp", args.naming, "token"),
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: "app,linux",
      serverFarmId: inputs.planId,
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
        // A Linux Node site runs no .NET Framework ("NET Framework is not supported on Linux-based plans", PSRule
        // Azure.AppService.NETVersion). Stated anyway: the SDK would send its default `v4.6`
        // (siteConfigArgsProvideDefaults in @pulumi/azure-native types/input.js), which that rule reads as an outdated
        // framework; `v4.0` is a value it accepts (policies/web-webapp-disallow-end-of-life-runtime.ts).
        netFrameworkVersion: NET_FRAMEWORK_VERSION,
        minTlsVersion: "1.2",
        scmMinTlsVersion: "1.2",
        ftpsState: "Disabled",
        http20Enabled: true,
        alwaysOn: args.tokenApi.alwaysOn,
        healthCheckPath: "/healthz",
        remoteDebuggingEnabled: false,
        // No `cors`: App Service CORS would override the app's own (CORS_ALLOWED_ORIGINS) and allow any method and header.
        appSettings: tokenApiAppSettings({
          cfg: args.tokenApi,
          acsEndpoint: args.acsEndpoint,
          keyVaultUri: args.keyVault.uri,
          acsSecretName: args.acsSecretName,
          appInsightsSecretUri: inputs.appInsightsSecretUri,
          mappingTableEndpoint: inputs.mappingTableEndpoint,
          packageUrl: inputs.packageUrl,
          identityResourceId: identity.id,
          identityClientId: identity.clientId,
        }),
      },
      tags: args.tags,
    },
    { parent: host, dependsOn: inputs.grants },
  );
  // Basic-auth publishing off (azure-native records both as allowed by default; AVM web/site turns them off):
  // deployments use run-from-package with the managed identity, nobody needs SCM or FTP credentials.
  const parent = { parent: host };
  new web.WebAppScmAllowed(`${name}-scm-basic-auth`, { name: app.name, resourceGroupName: args.resourceGroupName, allow: false }, parent);
  new web.WebAppFtpAllowed(`${name}-ftp-basic-auth`, { name: app.name, resourceGroupName: args.resourceGroupName, allow: false }, parent);
  return app;
}
