// Conformance, identity (api-version 2023-10-01) through @azure/communication-identity: lifecycle, scopes, lifetimes,
// keyless mode, revoke, and delete with what it erases (Learn "Data residency and user privacy"), as azure-rest-api-specs
// specification/communication/data-plane/Identity/stable/2023-10-01 and the SDK's own tests describe them.
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorCredential, startEmulator } from "../../../tools/acs-emulator/index";
import type { EmulatorHandle } from "../../../tools/acs-emulator/index";
import { decodeJwt } from "../../../tools/acs-emulator/jwt";
import { admin, advanceClock, clientOptions, collect, failure, FIXED_PRIMARY_KEY, FIXED_SECONDARY_KEY, newChatUser } from "./helpers";

let emulator: EmulatorHandle;
let client: CommunicationIdentityClient;

beforeAll(async () => {
  emulator = await startEmulator({ primaryKey: FIXED_PRIMARY_KEY, secondaryKey: FIXED_SECONDARY_KEY });
  client = new CommunicationIdentityClient(emulator.connectionString, clientOptions(emulator));
});
afterAll(async () => emulator.close());

const restError = async (promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> => {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail");
};

describe("identity lifecycle", () => {
  it("creates a user whose id has the ACS shape", async () => {
    const user = await client.createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/);
    const listed = await admin(emulator, "GET", "/identities");
    expect(listed.json).toEqual({ identities: expect.arrayContaining([{ id: user.communicationUserId, deleted: false }]) as unknown });
  });

  it("creates a user with a token carrying the real claim shapes and a 1440-minute default lifetime", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { user, token, expiresOn } = await client.createUserAndToken(["chat", "voip"]);
    const payload = decodeJwt(token)?.payload ?? {};
    expect(payload.skypeid).toBe(user.communicationUserId.slice(2));
    expect(payload.scp).toBe(1792);
    expect(payload.acsScope).toBe("chat,voip");
    expect(payload.csi).toBe(String(payload.iat));
    expect(payload.resourceId).toBe(user.communicationUserId.split(":")[2]?.split("_")[0]);
    expect(Number(payload.exp) - Number(payload.iat)).toBe(1440 * 60);
    expect(Number(payload.iat)).toBeGreaterThanOrEqual(before);
    expect(expiresOn.getTime()).toBe(Number(payload.exp) * 1000);
  });

  it("issues a token with a custom lifetime", async () => {
    const user = await client.createUser();
    const { token } = await client.getToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
    const payload = decodeJwt(token)?.payload ?? {};
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
    expect(payload.acsScope).toBe("chat");
  });

  it.each([59, 1441, 0])("rejects a lifetime of %i minutes with 400", async (minutes) => {
    const user = await client.createUser();
    const error = await restError(client.getToken(user, ["chat"], { tokenExpiresInMinutes: minutes }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("ValidationError");
  });

  it("rejects empty scopes with the real message", async () => {
    const user = await client.createUser();
    const error = await restError(client.getToken(user, []));
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe("Invalid scopes - Scopes field is required.");
  });

  it("rejects an unknown scope", async () => {
    const user = await client.createUser();
    const error = await restError(client.getToken(user, ["sms" as "chat"]));
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain("'sms'");
  });

  it("revokes and deletes; a deleted user gets 401 on token requests", async () => {
    const user = await client.createUser();
    await client.getToken(user, ["chat"]);
    await client.revokeTokens(user);
    await client.deleteUser(user);
    const error = await restError(client.getToken(user, ["chat"]));
    expect(error.statusCode).toBe(401);
    const listed = await admin(emulator, "GET", "/identities");
    expect(listed.json).toEqual({ identities: expect.arrayContaining([{ id: user.communicationUserId, deleted: true }]) as unknown });
  });

  it("answers 401 for an unknown user", async () => {
    const error = await restError(client.revokeTokens({ communicationUserId: "8:acs:00000000-0000-0000-0000-000000000000_nobody" }));
    expect(error.statusCode).toBe(401);
  });

  it("accepts the secondary key", async () => {
    const secondary = new CommunicationIdentityClient(
      `endpoint=${emulator.endpoint};accesskey=${FIXED_SECONDARY_KEY}`,
      clientOptions(emulator),
    );
    const user = await secondary.createUser();
    expect(user.communicationUserId.startsWith("8:acs:")).toBe(true);
  });

  it("accepts Entra-style bearer tokens from EmulatorCredential (keyless mode)", async () => {
    const keyless = new CommunicationIdentityClient(emulator.endpoint, new EmulatorCredential(), clientOptions(emulator));
    const { token } = await keyless.createUserAndToken(["voip"]);
    expect(decodeJwt(token)?.payload.acsScope).toBe("voip");
  });
});

describe("deleting an identity deletes its chat messages", () => {
  // Learn "Data residency and user privacy", "Identities": "Deleting an identity revokes all associated access tokens and
  // deletes their chat messages" (https://learn.microsoft.com/azure/communication-services/concepts/privacy); REST
  // reference, Communication Identity - Delete: "deletes all associated data".
  it("removes every message the identity sent, in every thread; the others' messages stay", async () => {
    const alice = await newChatUser(emulator);
    const bob = await newChatUser(emulator);
    const first = await alice.chat.createChatThread({ topic: "one" }, { participants: [{ id: bob.user }] });
    const second = await alice.chat.createChatThread({ topic: "two" }, { participants: [{ id: bob.user }] });
    const one = alice.chat.getChatThreadClient(first.chatThread!.id);
    const two = alice.chat.getChatThreadClient(second.chatThread!.id);
    const kept = (await one.sendMessage({ content: "from alice" })).id;
    const gone1 = (await bob.chat.getChatThreadClient(first.chatThread!.id).sendMessage({ content: "from bob" })).id;
    const gone2 = (await bob.chat.getChatThreadClient(second.chatThread!.id).sendMessage({ content: "bob again" })).id;

    await client.deleteUser(bob.user);

    const texts = async (thread: typeof one) =>
      (await collect(thread.listMessages())).filter((m) => m.type === "text").map((m) => m.content?.message);
    expect(await texts(one)).toEqual(["from alice"]);
    expect(await texts(two)).toEqual([]);
    expect((await failure(one.getMessage(gone1))).statusCode).toBe(404);
    expect((await failure(two.getMessage(gone2))).statusCode).toBe(404);
    expect((await one.getMessage(kept)).content?.message).toBe("from alice");
  });
});

describe("after the emulator's clock moved (admin POST /clock)", () => {
  it("still accepts HMAC and Entra-style requests, stamped by the wall clock, and issues tokens on its own clock", async () => {
    const clocked = await startEmulator();
    try {
      const now = Date.parse(await advanceClock(clocked, 40 * 24 * 3600));
      const hmac = new CommunicationIdentityClient(clocked.connectionString, clientOptions(clocked));
      const { token, expiresOn } = await hmac.createUserAndToken(["chat"]);
      // Default lifetime 1440 minutes from the emulator's now (issued after the move; exp has second precision), not
      // from the wall clock 40 days behind.
      expect(expiresOn.getTime()).toBeGreaterThanOrEqual(now + 1440 * 60_000 - 1000);
      expect(decodeJwt(token)?.payload.acsScope).toBe("chat");
      const keyless = new CommunicationIdentityClient(clocked.endpoint, new EmulatorCredential(), clientOptions(clocked));
      expect((await keyless.createUser()).communicationUserId).toMatch(/^8:acs:/);
    } finally {
      await clocked.close();
    }
  });
});
