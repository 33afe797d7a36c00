// Phone Numbers list through @azure/communication-phone-numbers: the emulator holds none; a wrong signature is refused.
import { PhoneNumbersClient } from "@azure/communication-phone-numbers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle } from "../../../tools/acs-emulator/index";
import { clientOptions } from "./helpers";

let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => emulator.close());

describe("phone numbers", () => {
  it("listPurchasedPhoneNumbers answers an empty list to a signed request", async () => {
    const client = new PhoneNumbersClient(emulator.connectionString, clientOptions(emulator));
    const numbers: string[] = [];
    for await (const n of client.listPurchasedPhoneNumbers()) numbers.push(n.phoneNumber);
    expect(numbers).toEqual([]);
  });

  it("refuses a request signed with the wrong key with 401", async () => {
    const client = new PhoneNumbersClient(
      emulator.connectionString.replace(/accesskey=[^;]+/i, `accesskey=${Buffer.from("wrong-key").toString("base64")}`),
      clientOptions(emulator),
    );
    const failure = await (async () => {
      for await (const _ of client.listPurchasedPhoneNumbers()) return undefined;
      return undefined;
    })().catch((error: { statusCode?: number }) => error);
    expect(failure?.statusCode).toBe(401);
  });
});
