// Identity API through @azure/communication-identity: lifecycle, scopes, lifetimes, keyless mode, revoke and delete.
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorCredential, startEmulator } from "../../../tools/acs-emulator/index";
import type { EmulatorHandle } from "../../../tools/acs-emulator/index";
import { decodeJwt } from "../../../tools/acs-emulator/jwt";
import { admin, clientOptions, FIXED_PRIMARY_KEY, FIXED_SECONDARY_KEY } from "./helpers";

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
