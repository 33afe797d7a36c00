// ARM keys (@azure/arm-communication), Key Vault secrets (@azure/keyvault-secrets) and the key-regeneration cut-off.
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SecretClient } from "@azure/keyvault-secrets";
import type { AccessToken } from "@azure/core-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorCredential, startEmulator } from "../../../tools/acs-emulator/index";
import type { EmulatorHandle } from "../../../tools/acs-emulator/index";
import { clientOptions, FIXED_PRIMARY_KEY, FIXED_SECONDARY_KEY, rawRequest, failure } from "./helpers";

let emulator: EmulatorHandle;
let arm: CommunicationServiceManagementClient;
let secrets: SecretClient;

beforeAll(async () => {
  emulator = await startEmulator({ primaryKey: FIXED_PRIMARY_KEY, secondaryKey: FIXED_SECONDARY_KEY });
  arm = new CommunicationServiceManagementClient(new EmulatorCredential(), emulator.subscriptionId, {
    ...clientOptions(emulator),
    endpoint: emulator.armBaseUrl,
  });
  secrets = new SecretClient(emulator.keyVaultUrl, new EmulatorCredential(), {
    ...clientOptions(emulator),
    disableChallengeResourceVerification: true,
  });
});
afterAll(async () => emulator.close());

describe("ARM keys", () => {
  it("lists both keys and their connection strings", async () => {
    const keys = await arm.communicationServices.listKeys(emulator.resourceGroupName, emulator.serviceName);
    expect(keys).toEqual({
      primaryKey: FIXED_PRIMARY_KEY,
      secondaryKey: FIXED_SECONDARY_KEY,
      primaryConnectionString: `endpoint=${emulator.endpoint};accesskey=${FIXED_PRIMARY_KEY}`,
      secondaryConnectionString: `endpoint=${emulator.endpoint};accesskey=${FIXED_SECONDARY_KEY}`,
    });
  });

  it("answers 404 for another service and 401 without a valid token", async () => {
    expect((await failure(arm.communicationServices.listKeys(emulator.resourceGroupName, "other"))).statusCode).toBe(404);
    const anonymous = await rawRequest(
      emulator,
      "POST",
      `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroupName}/providers/Microsoft.Communication/communicationServices/${emulator.serviceName}/listKeys?api-version=2025-09-01`,
    );
    expect([anonymous.status, (anonymous.json as { error: { code: string } }).error.code]).toEqual([401, "AuthenticationFailed"]);
  });

  it("regenerating the secondary key invalidates HMAC calls and chat tokens made with it, and leaves the primary working", async () => {
    const secondaryIdentity = new CommunicationIdentityClient(
      `endpoint=${emulator.endpoint};accesskey=${FIXED_SECONDARY_KEY}`,
      clientOptions(emulator),
    );
    const primaryIdentity = new CommunicationIdentityClient(
      `endpoint=${emulator.endpoint};accesskey=${FIXED_PRIMARY_KEY}`,
      clientOptions(emulator),
    );
    const { token: secondaryToken } = await secondaryIdentity.createUserAndToken(["chat"]);
    const { token: primaryToken } = await primaryIdentity.createUserAndToken(["chat"]);
    const regenerated = await arm.communicationServices.regenerateKey(emulator.resourceGroupName, emulator.serviceName, {
      keyType: "Secondary",
    });
    expect(regenerated.primaryKey).toBe(FIXED_PRIMARY_KEY);
    expect(regenerated.secondaryKey).not.toBe(FIXED_SECONDARY_KEY);
    expect(Buffer.from(regenerated.secondaryKey ?? "", "base64").length).toBe(64);

    const stale = await failure(secondaryIdentity.createUser());
    expect([stale.statusCode, stale.code]).toEqual([401, "Denied"]);
    const chatWithOldKeyToken = new ChatClient(
      emulator.endpoint,
      new AzureCommunicationTokenCredential(secondaryToken),
      clientOptions(emulator),
    );
    expect((await failure(chatWithOldKeyToken.createChatThread({ topic: "x" }))).statusCode).toBe(401);

    const chatWithPrimaryToken = new ChatClient(
      emulator.endpoint,
      new AzureCommunicationTokenCredential(primaryToken),
      clientOptions(emulator),
    );
    expect((await chatWithPrimaryToken.createChatThread({ topic: "still fine" })).chatThread?.topic).toBe("still fine");
    const renewed = new CommunicationIdentityClient(regenerated.secondaryConnectionString ?? "", clientOptions(emulator));
    expect((await renewed.createUser()).communicationUserId.startsWith("8:acs:")).toBe(true);
  });
});

describe("Key Vault secrets", () => {
  it("sets versions with tags and content type; gets the latest and a given version; lists versions", async () => {
    const first = await secrets.setSecret("acs-connection-string", "endpoint=https://a/;accesskey=one", {
      tags: { "acs-active-key": "primary" },
      contentType: "text/plain",
    });
    const second = await secrets.setSecret("acs-connection-string", "endpoint=https://a/;accesskey=two", {
      tags: { "acs-active-key": "secondary" },
      contentType: "text/plain",
    });
    expect(first.properties.version).toMatch(/^[0-9a-f]{32}$/);
    const latest = await secrets.getSecret("acs-connection-string");
    expect([
      latest.value,
      latest.properties.version,
      latest.properties.tags,
      latest.properties.contentType,
      latest.properties.vaultUrl,
    ]).toEqual([
      "endpoint=https://a/;accesskey=two",
      second.properties.version,
      { "acs-active-key": "secondary" },
      "text/plain",
      emulator.keyVaultUrl.replace(/\/$/, ""),
    ]);
    const older = await secrets.getSecret("acs-connection-string", { version: first.properties.version });
    expect([older.value, older.properties.tags]).toEqual(["endpoint=https://a/;accesskey=one", { "acs-active-key": "primary" }]);
    const versions: string[] = [];
    for await (const properties of secrets.listPropertiesOfSecretVersions("acs-connection-string")) versions.push(properties.version ?? "");
    expect(versions).toEqual([first.properties.version, second.properties.version]);
  });

  it("lists versions across pages and updates properties", async () => {
    for (let i = 0; i < 30; i++) await secrets.setSecret("many", `v${i}`);
    let count = 0;
    for await (const _properties of secrets.listPropertiesOfSecretVersions("many")) count++;
    expect(count).toBe(30);
    const latest = await secrets.getSecret("many");
    const updated = await secrets.updateSecretProperties("many", latest.properties.version ?? "", { tags: { flipped: "yes" } });
    expect(updated.tags).toEqual({ flipped: "yes" });
  });

  it("answers 404 SecretNotFound for an unknown secret", async () => {
    const error = await failure(secrets.getSecret("missing-secret"));
    expect([error.statusCode, error.code]).toEqual([404, "SecretNotFound"]);
  });

  it("challenges an unauthenticated request with the vault resource", async () => {
    const response = await rawRequest(emulator, "GET", "/secrets/acs-connection-string?api-version=7.6");
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toBe(
      'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"',
    );
  });

  it("rejects a token for the wrong audience", async () => {
    const armOnly = {
      getToken: async (): Promise<AccessToken> => new EmulatorCredential().getToken("https://management.azure.com/.default"),
    };
    const client = new SecretClient(emulator.keyVaultUrl, armOnly, {
      ...clientOptions(emulator),
      disableChallengeResourceVerification: true,
    });
    expect((await failure(client.getSecret("acs-connection-string"))).statusCode).toBe(401);
  });

  it("accepts the static devBearerToken", async () => {
    const staticCredential = {
      getToken: async (): Promise<AccessToken> => ({ token: emulator.devBearerToken, expiresOnTimestamp: Date.now() + 3600_000 }),
    };
    const client = new SecretClient(emulator.keyVaultUrl, staticCredential, {
      ...clientOptions(emulator),
      disableChallengeResourceVerification: true,
    });
    expect((await client.setSecret("from-static", "x")).value).toBe("x");
  });
});
