// HMAC failure modes (401 Denied) and fault injection as the SDKs report it.
import { createHash, createHmac } from "node:crypto";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EmulatorCredential, startEmulator } from "../../../tools/acs-emulator/index";
import type { EmulatorHandle } from "../../../tools/acs-emulator/index";
import { admin, clientOptions, FIXED_PRIMARY_KEY, FIXED_SECONDARY_KEY, rawRequest, failure } from "./helpers";

let emulator: EmulatorHandle;
let identity: CommunicationIdentityClient;

beforeAll(async () => {
  emulator = await startEmulator({ primaryKey: FIXED_PRIMARY_KEY, secondaryKey: FIXED_SECONDARY_KEY });
  identity = new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator));
});
afterAll(async () => emulator.close());

/** Signs like communication-common's access-key policy, written out independently of the emulator's code. */
function signedHeaders(
  method: string,
  pathAndQuery: string,
  body: string,
  options: { key?: string; date?: Date } = {},
): Record<string, string> {
  const host = new URL(emulator.endpoint).host;
  const date = (options.date ?? new Date()).toUTCString();
  const hash = createHash("sha256").update(body).digest("base64");
  const signature = createHmac("sha256", Buffer.from(options.key ?? FIXED_PRIMARY_KEY, "base64"))
    .update(`${method}\n${pathAndQuery}\n${date};${host};${hash}`)
    .digest("base64");
  return {
    host,
    "x-ms-date": date,
    "x-ms-content-sha256": hash,
    "content-type": "application/json",
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}

describe("HMAC verification", () => {
  const path = "/identities?api-version=2023-10-01";
  const body = JSON.stringify({ createTokenWithScopes: ["chat"] });

  it("accepts a correctly signed raw request (baseline for the tampering cases)", async () => {
    const response = await rawRequest(emulator, "POST", path, signedHeaders("POST", path, body), body);
    expect(response.status).toBe(201);
  });

  it("rejects a wrong key through the SDK with 401 Denied", async () => {
    const wrong = new CommunicationIdentityClient(
      `endpoint=${emulator.endpoint};accesskey=${Buffer.alloc(64, 9).toString("base64")}`,
      clientOptions(emulator),
    );
    const error = await failure(wrong.createUser());
    expect([error.statusCode, error.code]).toEqual([401, "Denied"]);
  });

  it.each([
    [
      "tampered body",
      () => rawRequest(emulator, "POST", path, signedHeaders("POST", path, body), body.replace("chat", "voip")),
      "The content hash does not match the body.",
    ],
    [
      "tampered body with a matching hash",
      () => {
        const headers = signedHeaders("POST", path, body);
        const other = body.replace("chat", "voip");
        return rawRequest(
          emulator,
          "POST",
          path,
          { ...headers, "x-ms-content-sha256": createHash("sha256").update(other).digest("base64") },
          other,
        );
      },
      "The request signature is invalid.",
    ],
    [
      "tampered path",
      () => rawRequest(emulator, "POST", "/identities?api-version=2023-10-02", signedHeaders("POST", path, body), body),
      "The request signature is invalid.",
    ],
    [
      "stale date",
      () => rawRequest(emulator, "POST", path, signedHeaders("POST", path, body, { date: new Date(Date.now() - 16 * 60_000) }), body),
      "The request date is outside the allowed clock skew of 900 seconds.",
    ],
    [
      "missing authorization",
      () => rawRequest(emulator, "POST", path, { "content-type": "application/json" }, body),
      "Authorization header is missing or not HMAC-SHA256.",
    ],
  ])("answers 401 Denied to a %s", async (_name, send, message) => {
    const response = await send();
    expect([response.status, response.json]).toEqual([401, { error: { code: "Denied", message } }]);
  });
});

describe("fault injection", () => {
  afterEach(async () => {
    await admin(emulator, "DELETE", "/faults");
  });

  it("fails the next call with 429 and Retry-After, then recovers", async () => {
    const created = await admin(emulator, "POST", "/faults", { operation: "createUser", status: 429, retryAfterSeconds: 7, count: 1 });
    expect(created.status).toBe(201);
    let retryAfter: string | undefined;
    const error = await failure(
      identity.createUser({
        onResponse: (response) => {
          retryAfter = response.headers.get("retry-after");
        },
      }),
    );
    expect([error.statusCode, error.code, retryAfter]).toEqual([429, "TooManyRequests", "7"]);
    expect((await identity.createUser()).communicationUserId.startsWith("8:acs:")).toBe(true);
  });

  it("lets the SDK's own retry policy ride over two 503s", async () => {
    await admin(emulator, "POST", "/faults", { operation: "issueAccessToken", status: 503, retryAfterSeconds: 0, count: 2 });
    const retrying = new CommunicationIdentityClient(emulator.connectionString, {
      tlsOptions: { ca: emulator.caCertPem },
      retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
    });
    const user = await retrying.createUser();
    const statuses: number[] = [];
    await retrying.getToken(user, ["chat"], {
      onResponse: (response) => {
        statuses.push(response.status);
      },
    });
    expect(statuses).toEqual([200]);
    expect((await admin(emulator, "GET", "/faults")).json).toEqual({ faults: [] });
  });

  it("delays a response", async () => {
    await admin(emulator, "POST", "/faults", { operation: "createUser", delayMs: 300, count: 1 });
    const started = Date.now();
    await identity.createUser();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("drops the connection", async () => {
    await admin(emulator, "POST", "/faults", { operation: "createUser", drop: true, count: 1 });
    const error = await failure(identity.createUser());
    expect(error.code).toBe("ECONNRESET");
  });

  it("returns any status, e.g. 403, for a fraction of calls", async () => {
    await admin(emulator, "POST", "/faults", { operation: "*", status: 403, fraction: 0.5 });
    const outcomes: (number | "ok")[] = [];
    for (let i = 0; i < 4; i++) {
      try {
        await identity.createUser();
        outcomes.push("ok");
      } catch (error) {
        outcomes.push((error as { statusCode: number }).statusCode);
      }
    }
    expect(outcomes).toEqual(["ok", 403, "ok", 403]);
  });

  it("rejects an invalid fault with a 400 naming the field", async () => {
    const response = await admin(emulator, "POST", "/faults", { operation: "createUser", status: "429" });
    expect(response).toEqual({
      status: 400,
      json: { error: { code: "InvalidFault", message: "`status` must be an integer from 100 to 599.", target: "status" } },
    });
  });
});

describe("fault injection on chat, ARM and Key Vault operations", () => {
  afterEach(async () => {
    await admin(emulator, "DELETE", "/faults");
  });

  it("sendMessage 503, listKeys 429 and getSecret 403 surface as the SDKs' RestErrors", async () => {
    const { token } = await identity.createUserAndToken(["chat"]);
    const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), clientOptions(emulator));
    const thread = chat.getChatThreadClient((await chat.createChatThread({ topic: "faults" })).chatThread?.id ?? "");
    const arm = new CommunicationServiceManagementClient(new EmulatorCredential(), emulator.subscriptionId, {
      ...clientOptions(emulator),
      endpoint: emulator.armBaseUrl,
    });
    const secrets = new SecretClient(emulator.keyVaultUrl, new EmulatorCredential(), {
      ...clientOptions(emulator),
      disableChallengeResourceVerification: true,
    });
    await secrets.setSecret("faulty", "v");
    await admin(emulator, "POST", "/faults", { operation: "sendMessage", status: 503, count: 1 });
    await admin(emulator, "POST", "/faults", { operation: "listKeys", status: 429, count: 1 });
    await admin(emulator, "POST", "/faults", { operation: "getSecret", status: 403, count: 1 });
    const chatError = await failure(thread.sendMessage({ content: "x" }));
    const armError = await failure(arm.communicationServices.listKeys(emulator.resourceGroupName, emulator.serviceName));
    const vaultError = await failure(secrets.getSecret("faulty"));
    expect([
      [chatError.statusCode, chatError.code],
      [armError.statusCode, armError.code],
      [vaultError.statusCode, vaultError.code],
    ]).toEqual([
      [503, "ServiceUnavailable"],
      [429, "TooManyRequests"],
      [403, "Forbidden"],
    ]);
    expect((await thread.sendMessage({ content: "recovered" })).id).toMatch(/^\d+$/);
  });
});
