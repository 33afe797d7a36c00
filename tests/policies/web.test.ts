// Tests for the Web App policies (HTTPS, TLS, FTP, remote debugging, identity, health check, plain secrets):
// a compliant token API host passes and each single mutation reports its exact message.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { webWebappConfigureHealthCheckPath } from "../../policies/web-webapp-configure-health-check-path";
import { webWebappConfigureMinTlsVersion } from "../../policies/web-webapp-configure-min-tls-version";
import { webWebappDisableFtp } from "../../policies/web-webapp-disable-ftp";
import { webWebappDisableRemoteDebugging } from "../../policies/web-webapp-disable-remote-debugging";
import { webWebappDisallowPlainSecrets } from "../../policies/web-webapp-disallow-plain-secrets";
import { webWebappEnableHttpsOnly } from "../../policies/web-webapp-enable-https-only";
import { webWebappEnableManagedIdentity } from "../../policies/web-webapp-enable-managed-identity";
import { mutate, runResource, UNKNOWN } from "./helpers";

const WEBAPP = "azure-native:web:WebApp";
const SETTINGS = "azure-native:web:WebAppApplicationSettings";
const kvRef = "@Microsoft.KeyVault(SecretUri=https://kv-acsplat-prod.vault.azure.net/secrets/appi-connection-string)";
const baseline = {
  resourceGroupName: "rg",
  location: "westeurope",
  name: "app-acsplat-prod-weu-abcde",
  httpsOnly: true,
  identity: { type: "SystemAssigned" },
  siteConfig: {
    minTlsVersion: "1.2",
    scmMinTlsVersion: "1.2",
    ftpsState: "Disabled",
    healthCheckPath: "/readyz",
    http20Enabled: true,
    appSettings: [
      { name: "ACS_AUTH_MODE", value: "key-vault" },
      { name: "KEY_VAULT_URI", value: "https://kv-acsplat-prod.vault.azure.net/" },
      { name: "ACS_SECRET_NAME", value: "acs-connection-string" },
      { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: kvRef },
      { name: "TOKEN_ALLOWED_SCOPES", value: "chat,voip" },
    ],
  },
};

const cases: Array<[string, ResourceValidationPolicy, string, unknown, string[]]> = [
  ["web-webapp-enable-https-only", webWebappEnableHttpsOnly, "httpsOnly", false, ["httpsOnly must be true."]],
  ["web-webapp-enable-https-only", webWebappEnableHttpsOnly, "httpsOnly", undefined, ["httpsOnly must be true."]],
  [
    "web-webapp-configure-min-tls-version",
    webWebappConfigureMinTlsVersion,
    "siteConfig.minTlsVersion",
    "1.0",
    ["siteConfig.minTlsVersion is '1.0'; it must be 1.2 or 1.3."],
  ],
  [
    "web-webapp-configure-min-tls-version",
    webWebappConfigureMinTlsVersion,
    "siteConfig.minTlsVersion",
    undefined,
    ["siteConfig.minTlsVersion is 'unset'; it must be 1.2 or 1.3."],
  ],
  [
    "web-webapp-configure-min-tls-version",
    webWebappConfigureMinTlsVersion,
    "siteConfig.scmMinTlsVersion",
    "1.1",
    ["siteConfig.scmMinTlsVersion is '1.1'; it must be 1.2 or 1.3."],
  ],
  [
    "web-webapp-disable-ftp",
    webWebappDisableFtp,
    "siteConfig.ftpsState",
    "FtpsOnly",
    ["siteConfig.ftpsState is 'FtpsOnly'; allowed: Disabled."],
  ],
  [
    "web-webapp-disable-ftp",
    webWebappDisableFtp,
    "siteConfig.ftpsState",
    "AllAllowed",
    ["siteConfig.ftpsState is 'AllAllowed'; allowed: Disabled."],
  ],
  [
    "web-webapp-disable-remote-debugging",
    webWebappDisableRemoteDebugging,
    "siteConfig.remoteDebuggingEnabled",
    true,
    ["siteConfig.remoteDebuggingEnabled must be false."],
  ],
  [
    "web-webapp-enable-managed-identity",
    webWebappEnableManagedIdentity,
    "identity",
    undefined,
    ["identity.type is 'unset'; it must be SystemAssigned or UserAssigned."],
  ],
  [
    "web-webapp-enable-managed-identity",
    webWebappEnableManagedIdentity,
    "identity.type",
    "None",
    ["identity.type is 'None'; it must be SystemAssigned or UserAssigned."],
  ],
  [
    "web-webapp-configure-health-check-path",
    webWebappConfigureHealthCheckPath,
    "siteConfig.healthCheckPath",
    "/",
    ["siteConfig.healthCheckPath is '/'; set a dedicated path such as /readyz."],
  ],
  [
    "web-webapp-configure-health-check-path",
    webWebappConfigureHealthCheckPath,
    "siteConfig.healthCheckPath",
    undefined,
    ["siteConfig.healthCheckPath is 'unset'; set a dedicated path such as /readyz."],
  ],
];

describe("web app policies", () => {
  const policies = [...new Set(cases.map((c) => c[1]))].concat([webWebappDisallowPlainSecrets]);
  it.each(policies.map((p) => [p.name, p]))("%s passes the baseline", async (_n, p) => {
    expect((await runResource(p, WEBAPP, baseline)).messages).toEqual([]);
  });
  it.each(cases)("%s reports %s = %s", async (_n, p, path, value, expected) => {
    expect((await runResource(p, WEBAPP, mutate(baseline, path, value))).messages).toEqual(expected);
  });
  it.each(policies.map((p) => [p.name, p]))("%s is not applicable to a Key Vault", async (_n, p) => {
    expect((await runResource(p, "azure-native:keyvault:Vault", { properties: {} })).notApplicable).toBe(true);
  });
  it("web-webapp-disable-ftp accepts FtpsOnly when the knob allows it", async () => {
    const r = await runResource(webWebappDisableFtp, WEBAPP, mutate(baseline, "siteConfig.ftpsState", "FtpsOnly"), {
      allowedFtpsStates: ["Disabled", "FtpsOnly"],
    });
    expect(r.messages).toEqual([]);
  });
  it("web-webapp-enable-https-only reports an unknown httpsOnly as an advisory preview diagnostic", async () => {
    const r = await runResource(webWebappEnableHttpsOnly, WEBAPP, mutate(baseline, "httpsOnly", UNKNOWN.boolean));
    expect(r.results.map((x) => [x.level, x.kind, x.message])).toEqual([
      [
        "advisory",
        "unknown",
        "can't run policy 'web-webapp-enable-https-only' from policy pack 'acs-platform@v0.1.0' during preview: boolean value at .httpsOnly can't be known during preview",
      ],
    ]);
  });
});

describe("web-webapp-disallow-plain-secrets", () => {
  const p = webWebappDisallowPlainSecrets;
  const withSetting = (name: string, value: string) =>
    mutate(baseline, "siteConfig.appSettings", [...baseline.siteConfig.appSettings, { name, value }]);
  it("reports an ACS connection string in plain text", async () => {
    const r = await runResource(
      p,
      WEBAPP,
      withSetting("ACS_CONNECTION", "endpoint=https://acs.communication.azure.com/;accesskey=abc123=="),
    );
    expect(r.messages).toEqual([
      "App setting 'ACS_CONNECTION' holds a plain-text secret (its value embeds a credential); use a Key Vault reference.",
    ]);
  });
  it("reports a setting whose name marks a secret", async () => {
    const r = await runResource(p, WEBAPP, withSetting("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=1234"));
    expect(r.messages).toEqual([
      "App setting 'APPLICATIONINSIGHTS_CONNECTION_STRING' holds a plain-text secret (its name marks it as a secret); use a Key Vault reference.",
    ]);
  });
  it("reports a plain connection string entry", async () => {
    const r = await runResource(
      p,
      WEBAPP,
      mutate(baseline, "siteConfig.connectionStrings", [
        { name: "Storage", connectionString: "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc", type: "Custom" },
      ]),
    );
    expect(r.messages).toEqual(["Connection string 'Storage' is plain text; use a Key Vault reference."]);
  });
  it("does not flag names of secrets (ACS_SECRET_NAME) or Key Vault references", async () => {
    expect((await runResource(p, WEBAPP, baseline)).messages).toEqual([]);
  });
  it("checks a separate WebAppApplicationSettings resource too", async () => {
    const r = await runResource(p, SETTINGS, {
      name: "app",
      resourceGroupName: "rg",
      properties: { STORAGE_KEY: "x", OTHER: "accountkey=abc" },
    });
    expect(r.messages).toEqual([
      "App setting 'OTHER' holds a plain-text secret (its value embeds a credential); use a Key Vault reference.",
    ]);
  });
  it("exempts a setting named in the knob", async () => {
    const r = await runResource(p, WEBAPP, withSetting("ACS_CONNECTION", "endpoint=https://x/;accesskey=abc"), {
      exemptSettings: ["ACS_CONNECTION"],
    });
    expect(r.messages).toEqual([]);
  });
});
