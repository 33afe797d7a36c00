// Raw HTTP with malformed input: always a 4xx in the documented error shape, never a 500, never a crash.
import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintEmulatorBearerToken, startEmulator } from "../../../tools/acs-emulator/index";
import type { EmulatorHandle } from "../../../tools/acs-emulator/index";
import { clientOptions, FIXED_PRIMARY_KEY, rawRequest } from "./helpers";

let emulator: EmulatorHandle;
let chatToken = "";
let threadId = "";

function signed(method: string, path: string, body: string): Record<string, string> {
  const url = new URL(path, emulator.endpoint);
  const query = url.searchParams.toString();
  const pathAndQuery = query ? `${url.pathname}?${query}` : url.pathname;
  const date = new Date().toUTCString();
  const hash = createHash("sha256").update(body).digest("base64");
  const signature = createHmac("sha256", Buffer.from(FIXED_PRIMARY_KEY, "base64"))
    .update(`${method}\n${pathAndQuery}\n${date};${url.host};${hash}`)
    .digest("base64");
  return {
    "x-ms-date": date,
    "x-ms-content-sha256": hash,
    "content-type": "application/json",
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

beforeAll(async () => {
  emulator = await startEmulator({ primaryKey: FIXED_PRIMARY_KEY });
  const identity = new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator));
  chatToken = (await identity.createUserAndToken(["chat"])).token;
  const body = JSON.stringify({ topic: "fuzz" });
  const created = await rawRequest(
    emulator,
    "POST",
    "/chat/threads?api-version=2025-03-15",
    { authorization: `Bearer ${chatToken}`, "content-type": "application/json" },
    body,
  );
  threadId = (created.json as { chatThread: { id: string } }).chatThread.id;
});
afterAll(async () => emulator.close());

const errorShape = (json: unknown): { code: string; message: string } => {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code !== "string" || typeof error.message !== "string") throw new Error(`not an error body: ${JSON.stringify(json)}`);
  return { code: error.code, message: error.message };
};

describe("malformed requests", () => {
  const api = "?api-version=2023-10-01";
  it.each([
    ["invalid JSON", "/identities" + api, "{not json", 400, "InvalidRequestBody"],
    ["a JSON array body", "/identities" + api, "[1,2]", 400, "InvalidRequestBody"],
    ["scopes that are not an array", "/identities" + api, '{"createTokenWithScopes":"chat"}', 400, "ValidationError"],
    ["a string lifetime", "/identities" + api, '{"createTokenWithScopes":["chat"],"expiresInMinutes":"60"}', 400, "ValidationError"],
    ["a missing api-version", "/identities", "", 400, "MissingApiVersionParameter"],
    ["bad percent-encoding in the id", "/identities/%E0%A4%A/:issueAccessToken" + api, '{"scopes":["chat"]}', 400, "InvalidPath"],
    ["an unknown route", "/nothing/here" + api, "", 404, "NotFound"],
  ])("signed identity request with %s", async (_name, path, body, status, code) => {
    const response = await rawRequest(emulator, "POST", path, signed("POST", path, body), body);
    expect([response.status, errorShape(response.json).code]).toEqual([status, code]);
  });

  it.each([
    ["a non-JWT bearer token", "GET", "/chat/threads?api-version=2025-03-15", "Bearer abc", "", 401, "InvalidAccessToken"],
    ["no token at all", "GET", "/chat/threads?api-version=2025-03-15", "", "", 401, "Unauthorized"],
    ["a non-numeric page size", "GET", "/chat/threads?maxPageSize=abc&api-version=2025-03-15", "token", "", 400, "InvalidQueryParameter"],
    ["a page size over 200", "GET", "/chat/threads?maxPageSize=201&api-version=2025-03-15", "token", "", 400, "InvalidQueryParameter"],
    ["a bad startTime", "GET", "/chat/threads?startTime=yesterday&api-version=2025-03-15", "token", "", 400, "InvalidQueryParameter"],
    ["a thread without a topic", "POST", "/chat/threads?api-version=2025-03-15", "token", '{"participants":[]}', 400, "InvalidRequestBody"],
    [
      "a participant that is not an identifier",
      "POST",
      "/chat/threads?api-version=2025-03-15",
      "token",
      '{"topic":"t","participants":[{"communicationIdentifier":{"phoneNumber":{"value":"+1"}}}]}',
      400,
      "InvalidRequestBody",
    ],
    [
      "a message without content",
      "POST",
      "/chat/threads/THREAD/messages?api-version=2025-03-15",
      "token",
      '{"type":"text"}',
      400,
      "InvalidRequestBody",
    ],
    [
      "a message of unknown type",
      "POST",
      "/chat/threads/THREAD/messages?api-version=2025-03-15",
      "token",
      '{"content":"x","type":"video"}',
      400,
      "InvalidRequestBody",
    ],
    ["an unknown message", "GET", "/chat/threads/THREAD/messages/123?api-version=2025-03-15", "token", "", 404, "NotFound"],
  ])("chat request with %s", async (_name, method, rawPath, auth, body, status, code) => {
    const path = rawPath.replace("THREAD", encodeURIComponent(threadId));
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (auth) headers.authorization = auth === "token" ? `Bearer ${chatToken}` : auth;
    const response = await rawRequest(emulator, method, path, headers, body);
    expect([response.status, errorShape(response.json).code]).toEqual([status, code]);
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const response = await rawRequest(emulator, "POST", "/identities?api-version=2023-10-01", {}, Buffer.alloc(1024 * 1024 + 1, 120));
    expect([response.status, errorShape(response.json).code]).toEqual([413, "RequestEntityTooLarge"]);
  });

  it("rejects a bad Key Vault secret name and a bad Log Analytics timespan", async () => {
    const auth = { authorization: `Bearer ${emulator.devBearerToken}`, "content-type": "application/json" };
    const secret = await rawRequest(emulator, "PUT", "/secrets/bad_name?api-version=7.6", auth, '{"value":"x"}');
    expect([secret.status, errorShape(secret.json).code]).toEqual([400, "BadParameter"]);
    const query = await rawRequest(
      emulator,
      "POST",
      `/v1/workspaces/${emulator.workspaceId}/query`,
      auth,
      '{"query":"ACSAuthIncomingOperations | count","timespan":"P1X"}',
    );
    expect([query.status, errorShape(query.json).code]).toEqual([400, "BadArgumentError"]);
  });
});

/** One raw request to the plain-HTTP admin API with `path` sent exactly as given (fetch would normalize it). */
function rawAdminRequest(method: string, path: string, body = ""): Promise<{ status: number; json: unknown }> {
  const admin = new URL(emulator.adminUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: admin.hostname, port: admin.port, method, path, headers: { "content-length": String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("malformed admin requests", () => {
  it.each([
    ["an unparsable path", "GET", "//[::1", "", 400, "InvalidPath"],
    ["invalid JSON", "POST", "/faults", "{not json", 400, "InvalidRequestBody"],
    ["an unknown route", "GET", "/nothing", "", 404, "NotFound"],
  ])("answers %s with a 4xx error body", async (_name, method, path, body, status, code) => {
    const response = await rawAdminRequest(method, path, body);
    expect([response.status, errorShape(response.json).code]).toEqual([status, code]);
  });
});

describe("fuzzing (fast-check)", () => {
  const segment = fc.oneof(
    fc.constantFrom(
      "identities",
      "chat",
      "threads",
      "messages",
      "participants",
      ":add",
      ":remove",
      "typing",
      "readReceipts",
      ":issueAccessToken",
      ":revokeAccessTokens",
      "secrets",
      "versions",
      "v1",
      "workspaces",
      "query",
      "subscriptions",
      "THREAD",
    ),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
  );
  const body = fc.oneof(
    fc.constant(""),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 40 }),
    fc
      .record({
        topic: fc.anything(),
        participants: fc.anything(),
        content: fc.anything(),
        scopes: fc.anything(),
        value: fc.anything(),
        query: fc.anything(),
        keyType: fc.anything(),
      })
      .map((o) => JSON.stringify(o) ?? ""),
  );

  it("never answers 5xx and keeps serving, whatever the signed/authorized request", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        fc
          .tuple(fc.constantFrom("identities", "chat", "secrets", "v1", "subscriptions", "teamsUser"), fc.array(segment, { maxLength: 8 }))
          .map(([first, rest]) => [first, ...rest]),
        body,
        fc.constantFrom("hmac", "acs", "entra", "none"),
        async (method, segments, payload, auth) => {
          const path = `/${segments.join("/").replace("THREAD", encodeURIComponent(threadId))}?api-version=2025-03-15`;
          const headers: Record<string, string> =
            auth === "hmac"
              ? signed(method, path, payload)
              : auth === "acs"
                ? { authorization: `Bearer ${chatToken}`, "content-type": "application/json" }
                : auth === "entra"
                  ? { authorization: `Bearer ${mintEmulatorBearerToken().token}`, "content-type": "application/json" }
                  : {};
          const response = await rawRequest(emulator, method, path, headers, payload);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) errorShape(response.json);
        },
      ),
      { numRuns: 300 },
    );
    const alive = await rawRequest(emulator, "GET", "/chat/threads?api-version=2025-03-15", { authorization: `Bearer ${chatToken}` });
    expect(alive.status).toBe(200);
  });

  it("never answers 5xx to random bodies on every write operation", async () => {
    const sent = await rawRequest(
      emulator,
      "POST",
      `/chat/threads/${encodeURIComponent(threadId)}/messages?api-version=2025-03-15`,
      { authorization: `Bearer ${chatToken}`, "content-type": "application/json" },
      '{"content":"target"}',
    );
    const messageId = (sent.json as { id: string }).id;
    const thread = encodeURIComponent(threadId);
    const chatOps: [string, string][] = [
      ["POST", "/chat/threads"],
      ["PATCH", `/chat/threads/${thread}`],
      ["POST", `/chat/threads/${thread}/messages`],
      ["PATCH", `/chat/threads/${thread}/messages/${messageId}`],
      ["POST", `/chat/threads/${thread}/participants/:add`],
      ["POST", `/chat/threads/${thread}/participants/:remove`],
      ["POST", `/chat/threads/${thread}/readReceipts`],
      ["POST", `/chat/threads/${thread}/typing`],
    ];
    const value = fc.oneof(
      fc.anything(),
      fc.constantFrom("chat", ["chat"], [{ communicationIdentifier: { communicationUser: { id: 42 } } }], 1440, null),
    );
    const body = fc
      .record(
        {
          topic: value,
          participants: value,
          content: value,
          type: value,
          metadata: value,
          retentionPolicy: value,
          chatMessageId: value,
          communicationUser: value,
          rawId: value,
          senderDisplayName: value,
          scopes: value,
          createTokenWithScopes: value,
          expiresInMinutes: value,
          value,
          tags: value,
          contentType: value,
          attributes: value,
          query: value,
          timespan: value,
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o) ?? "");
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: chatOps.length + 3 }), body, async (index, payload) => {
        const op = chatOps[index];
        const [method, path, headers] = op
          ? [op[0], `${op[1]}?api-version=2025-03-15`, { authorization: `Bearer ${chatToken}`, "content-type": "application/json" }]
          : index === chatOps.length
            ? ["POST", "/identities?api-version=2023-10-01", signed("POST", "/identities?api-version=2023-10-01", payload)]
            : index === chatOps.length + 1
              ? [
                  "PUT",
                  "/secrets/fuzz?api-version=7.6",
                  { authorization: `Bearer ${emulator.devBearerToken}`, "content-type": "application/json" },
                ]
              : [
                  "POST",
                  `/v1/workspaces/${emulator.workspaceId}/query`,
                  { authorization: `Bearer ${emulator.devBearerToken}`, "content-type": "application/json" },
                ];
        const response = await rawRequest(emulator, method, path, headers, payload);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) errorShape(response.json);
      }),
      { numRuns: 400 },
    );
  });
});
