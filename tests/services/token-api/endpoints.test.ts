// Happy paths and input validation of every endpoint, against Azurite, the ACS emulator and the local OIDC issuer.
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePayload, startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({ tokenApiEnv: { TOKEN_MAX_LIFETIME_MINUTES: "720", TOKEN_DEFAULT_LIFETIME_MINUTES: "600" } });
});
afterAll(async () => env?.stop());

const minutesLeft = (expiresOn: string) => (Date.parse(expiresOn) - Date.now()) / 60_000;

describe("POST /api/token", () => {
  it("issues a token for the caller's one ACS identity, then serves it from the cache", async () => {
    const jwt = await env.oidc.mintToken("alice");
    const first = await env.call("POST", "/api/token", { jwt });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(["acsUserId", "expiresOn", "token"]);
    expect(first.body.acsUserId).toMatch(/^8:acs:[0-9a-f-]+_[0-9a-f-]+$/);
    expect(minutesLeft(first.body.expiresOn)).toBeGreaterThan(598);
    expect(minutesLeft(first.body.expiresOn)).toBeLessThanOrEqual(600);
    expect(decodePayload(first.body.token)["acsScope"]).toBe("chat.join.limited,voip.join");
    expect(first.headers.get("cache-control")).toBe("no-store");

    const second = await env.call("POST", "/api/token", { jwt: await env.oidc.mintToken("alice") });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    // Served from the cache: ACS issued one token for alice.
    expect(await env.upstreamCalls("IssueAccessToken")).toBe(1);
    const mine = (await env.identities()).filter((identity) => identity.id === first.body.acsUserId);
    expect(mine).toEqual([{ id: first.body.acsUserId, deleted: false }]);
  });

  it("honours requested scopes and lifetime, keyed per scope set", async () => {
    const jwt = await env.oidc.mintToken("bob");
    const chatOnly = await env.call("POST", "/api/token", { jwt, body: { scopes: ["chat.join.limited"], lifetimeMinutes: 60 } });
    expect(chatOnly.status).toBe(200);
    expect(decodePayload(chatOnly.body.token)["acsScope"]).toBe("chat.join.limited");
    expect(minutesLeft(chatOnly.body.expiresOn)).toBeGreaterThan(58);
    expect(minutesLeft(chatOnly.body.expiresOn)).toBeLessThanOrEqual(60);
    const both = await env.call("POST", "/api/token", { jwt, body: { scopes: ["voip.join", "chat.join.limited"] } });
    expect(both.status).toBe(200);
    expect(both.body.acsUserId).toBe(chatOnly.body.acsUserId);
    expect(both.body.token).not.toBe(chatOnly.body.token);
    expect(decodePayload(both.body.token)["acsScope"]).toBe("chat.join.limited,voip.join");
  });

  it("gives a least-privilege token by default: the emulator refuses thread creation and participant changes with 403, as ACS does", async () => {
    const response = await env.call("POST", "/api/token", { jwt: await env.oidc.mintToken("carol") });
    expect(decodePayload(response.body.token)["acsScope"]).toBe("chat.join.limited,voip.join");
    const chat = new ChatClient(env.emulator.endpoint, new AzureCommunicationTokenCredential(response.body.token), {
      tlsOptions: { ca: env.emulator.caCertPem },
    } as never);
    const refused = await chat
      .createChatThread({ topic: "token-api test" })
      .catch((error: { statusCode?: number; code?: string }) => error);
    expect([(refused as { statusCode?: number }).statusCode, (refused as { code?: string }).code]).toEqual([403, "InsufficientScope"]);
    // A thread someone else (the platform) created with carol in it: carol can send and read, not add anyone.
    const { CommunicationIdentityClient } = await import("@azure/communication-identity");
    const identity = new CommunicationIdentityClient(env.emulator.connectionString, {
      tlsOptions: { ca: env.emulator.caCertPem },
    } as never);
    const manager = await identity.createUserAndToken(["chat"]);
    const managerChat = new ChatClient(env.emulator.endpoint, new AzureCommunicationTokenCredential(manager.token), {
      tlsOptions: { ca: env.emulator.caCertPem },
    } as never);
    const created = await managerChat.createChatThread(
      { topic: "managed" },
      { participants: [{ id: { communicationUserId: response.body.acsUserId } }] },
    );
    const thread = chat.getChatThreadClient(created.chatThread!.id);
    const sent = await thread.sendMessage({ content: "hello" });
    expect(sent.id).toMatch(/^\d+$/);
    const stranger = await identity.createUser();
    const addRefused = await thread.addParticipants({ participants: [{ id: stranger }] }).catch((error: { statusCode?: number }) => error);
    expect((addRefused as { statusCode?: number }).statusCode).toBe(403);
  });

  const invalid: Array<[string, unknown, string, string]> = [
    [
      "a scope outside the allow-list",
      { scopes: ["chat.join"] },
      "scopes",
      'scopes: "chat.join" is not allowed (allowed: chat.join.limited, voip.join)',
    ],
    ["an empty scope list", { scopes: [] }, "scopes", "scopes: Too small: expected array to have >=1 items"],
    ["scopes not an array", { scopes: "chat" }, "scopes", "scopes: Invalid input: expected array, received string"],
    [
      "a nested scopes array",
      { scopes: [["chat"]] },
      "scopes",
      "scopes: item 0 is an array; expected an array of scope names (allowed: chat.join.limited, voip.join)",
    ],
    [
      "a number among the scopes",
      { scopes: ["chat.join.limited", 7] },
      "scopes",
      "scopes: item 1 is a number; expected an array of scope names (allowed: chat.join.limited, voip.join)",
    ],
    ["a lifetime under 60", { lifetimeMinutes: 59 }, "lifetimeMinutes", "lifetimeMinutes: Too small: expected number to be >=60"],
    [
      "a lifetime above the configured cap",
      { lifetimeMinutes: 721 },
      "lifetimeMinutes",
      "lifetimeMinutes: Too big: expected number to be <=720",
    ],
    [
      "a fractional lifetime",
      { lifetimeMinutes: 90.5 },
      "lifetimeMinutes",
      "lifetimeMinutes: Invalid input: expected int, received number",
    ],
    ["an unknown field", { userId: "8:acs:someone-else" }, "userId", "userId: is not a known field"],
  ];
  it.each(invalid)("answers 400 naming the field for %s", async (_case, body, field, message) => {
    const response = await env.call("POST", "/api/token", { jwt: await env.oidc.mintToken("dave"), body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: "invalid_request", message, details: [{ field, message: message.slice(field.length + 2) }] },
    });
  });

  it("answers 400 for malformed JSON, 413 for a large body and 415 for another media type", async () => {
    const jwt = await env.oidc.mintToken("dave");
    const malformed = await env.call("POST", "/api/token", { jwt, body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      error: { code: "invalid_request", message: "body: is not valid JSON", details: [{ field: "body", message: "is not valid JSON" }] },
    });
    const empty = await env.call("POST", "/api/token", { jwt, body: "", headers: { "content-type": "application/json" } });
    expect(empty.status).toBe(200);
    const large = await env.call("POST", "/api/token", { jwt, body: { scopes: ["chat.join.limited"], padding: "x".repeat(5000) } });
    expect(large.status).toBe(413);
    expect(large.body).toEqual({ error: { code: "payload_too_large", message: "The request body is too large." } });
    const text = await env.call("POST", "/api/token", { jwt, body: "scopes=chat", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
  });
});

describe("POST /api/token/revoke", () => {
  it("revokes the caller's tokens and drops them from the cache", async () => {
    const jwt = await env.oidc.mintToken("erin");
    const before = await env.call("POST", "/api/token", { jwt });
    const revoked = await env.call("POST", "/api/token/revoke", { jwt });
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe("");
    const after = await env.call("POST", "/api/token", { jwt });
    expect(after.status).toBe(200);
    expect(after.body.acsUserId).toBe(before.body.acsUserId);
    expect(after.body.token).not.toBe(before.body.token);
  });

  it("answers 204 for a caller who never had an identity", async () => {
    expect((await env.call("POST", "/api/token/revoke", { jwt: await env.oidc.mintToken("newcomer") })).status).toBe(204);
  });
});

describe("DELETE /api/me", () => {
  it("deletes the ACS identity and the mapping, idempotently; the next token request maps a new identity", async () => {
    const jwt = await env.oidc.mintToken("frank");
    const before = await env.call("POST", "/api/token", { jwt });
    expect((await env.call("DELETE", "/api/me", { jwt })).status).toBe(204);
    expect((await env.identities()).find((identity) => identity.id === before.body.acsUserId)).toEqual({
      id: before.body.acsUserId,
      deleted: true,
    });
    const again = await env.call("DELETE", "/api/me", { jwt });
    expect(again.status).toBe(204);
    const after = await env.call("POST", "/api/token", { jwt });
    expect(after.status).toBe(200);
    expect(after.body.acsUserId).not.toBe(before.body.acsUserId);
  });
});

describe("probes, document and headers", () => {
  it("GET /healthz answers without dependencies", async () => {
    const response = await env.call("GET", "/healthz");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ok" });
  });

  it("GET /readyz reports the checks and the secret version, never the secret", async () => {
    const response = await env.call("GET", "/readyz");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: "ready",
      instance: "local-0",
      checks: { mappingStore: "ok", acs: "ok", secret: "ok" },
      acsAuth: { mode: "key-vault", secretVersion: expect.stringMatching(/^[0-9a-zA-Z]+$/), activeKey: "primary" },
    });
    expect(response.text).not.toContain(env.emulator.connectionString.split("accesskey=")[1]!);
  });

  it("GET /openapi.json describes the endpoints", async () => {
    const response = await env.call("GET", "/openapi.json");
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe("3.1.0");
    expect(Object.keys(response.body.paths).sort()).toEqual([
      "/api/conversations",
      "/api/conversations/{type}/{id}",
      "/api/conversations/{type}/{id}/join",
      "/api/conversations/{type}/{id}/participants",
      "/api/conversations/{type}/{id}/participants/{subject}",
      "/api/me",
      "/api/token",
      "/api/token/revoke",
      "/healthz",
      "/openapi.json",
      "/readyz",
    ]);
    // Generated from the route's zod schema built from the running configuration (max 720 here, not 1440).
    const body = response.body.paths["/api/token"].post.requestBody;
    expect(body.required).toBe(false);
    expect(body.content["application/json"].schema).toEqual({
      type: "object",
      additionalProperties: false,
      properties: {
        scopes: {
          type: "array",
          minItems: 1,
          maxItems: 8,
          items: { type: "string", enum: ["chat.join.limited", "voip.join"] },
          description: "ACS scopes; default: all allowed (chat.join.limited, voip.join)",
        },
        lifetimeMinutes: { type: "integer", minimum: 60, maximum: 720, description: "Token lifetime; default 600" },
      },
    });
    expect(Object.keys(response.body.paths["/api/token"].post.responses).sort()).toEqual([
      "200",
      "400",
      "401",
      "413",
      "415",
      "429",
      "431",
      "503",
    ]);
  });

  it("answers 404 in JSON for an unknown route", async () => {
    const response = await env.call("GET", "/admin");
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: "not_found", message: "No such route." } });
  });

  it("sets security headers and allows only the CORS origin the stack configures (Pulumi.dev.yaml: http://localhost:5173)", async () => {
    const allowed = await env.call("OPTIONS", "/api/token", {
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    // The origin local dev used to hard-code: the dev stack does not allow it, so neither does the local environment.
    const other = await env.call("OPTIONS", "/api/token", {
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const denied = await env.call("OPTIONS", "/api/token", {
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const plain = await env.call("GET", "/healthz");
    expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
    expect(plain.headers.get("strict-transport-security")).toContain("max-age=");
    expect(plain.headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});

describe("logs", () => {
  it("contain no caller JWT, ACS token, access key or connection string", async () => {
    const jwt = await env.oidc.mintToken("grace");
    const issued = await env.call("POST", "/api/token?access_token=leak", { jwt });
    expect(issued.status).toBe(200);
    await env.call("POST", "/api/token", { jwt: `${jwt}x` });
    const all = env.logs.join("\n");
    expect(env.logs.length).toBeGreaterThan(10);
    const key = env.emulator.connectionString.split("accesskey=")[1]!;
    for (const secret of [
      jwt,
      jwt.split(".")[2]!,
      issued.body.token,
      issued.body.token.split(".")[2]!,
      key,
      env.emulator.devBearerToken,
      "access_token=leak",
    ]) {
      expect(all.includes(secret)).toBe(false);
    }
    expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });
});
