// The ACS Email surface with the real @azure/communication-email SDK: sends from linked senders, Azure's sender
// errors, limits, auth, the long-running operation, Operation-Id replay, delivery reports, faults.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EmailClient, type EmailMessage } from "@azure/communication-email";
import { EmulatorCredential, startEmulator, type AcsEvent, type EmulatorHandle } from "../../../tools/acs-emulator/index";
import { admin, clientOptions, failure, rawRequest } from "./helpers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let emulator: EmulatorHandle;
let client: EmailClient;
let sender: string;
const events: AcsEvent[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    emailRetryAfterSeconds: 0,
    events: { publish: (e) => events.push(e) },
    email: {
      emailServiceName: "ecs-test",
      dataLocation: "Europe",
      domains: [
        {
          kind: "AzureManaged",
          senders: [
            { username: "DoNotReply", displayName: "Dev" },
            { username: "alerts", displayName: "Alerts" },
          ],
          linkToAcs: true,
        },
        {
          kind: "CustomerManaged",
          domainName: "notify.contoso.com",
          senders: [{ username: "DoNotReply", displayName: "Contoso" }],
          linkToAcs: true,
        },
      ],
    },
  });
  client = new EmailClient(emulator.connectionString, clientOptions(emulator));
  sender = emulator.emailSenderAddresses.find((a) => a.startsWith("DoNotReply@") && a.endsWith(".azurecomm.net")) as string;
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(async () => {
  events.length = 0;
  await admin(emulator, "DELETE", "/faults");
});

const message = (overrides: Partial<EmailMessage> = {}): EmailMessage => ({
  senderAddress: sender,
  content: { subject: "Test", plainText: "Hello" },
  recipients: { to: [{ address: "someone@example.com", displayName: "Someone" }] },
  ...overrides,
});

describe("sending with the SDK", () => {
  it("lists the seeded senders: DoNotReply and alerts on the Azure-managed domain, DoNotReply on the customer domain", () => {
    expect(emulator.emailServiceName).toBe("ecs-test");
    expect(emulator.emailSenderAddresses).toHaveLength(3);
    expect(emulator.emailSenderAddresses).toContain("DoNotReply@notify.contoso.com");
    expect(sender).toMatch(/^DoNotReply@[0-9a-f-]{36}\.azurecomm\.net$/);
  });

  it("sends from the dev sender: the operation runs, then succeeds", async () => {
    const poller = await client.beginSend(message());
    expect(poller.getOperationState().status).toBe("running");
    const result = await poller.pollUntilDone();
    expect(result.status).toBe("Succeeded");
    expect(result.id).toMatch(UUID);
  });

  it("answers 202 with Operation-Location and Retry-After, then polls Running once and Succeeded (raw HTTP, Entra auth)", async () => {
    const token = await new EmulatorCredential().getToken("https://communication.azure.com//.default");
    const headers = { authorization: `Bearer ${token.token}`, "content-type": "application/json" };
    const sent = await rawRequest(emulator, "POST", "/emails:send?api-version=2025-09-01", headers, JSON.stringify(message()));
    expect(sent.status).toBe(202);
    const body = sent.json as { id: string; status: string; error: null };
    expect(body.status).toBe("Running");
    expect(body.error).toBeNull();
    expect(sent.headers["operation-location"]).toBe(`${emulator.endpoint}emails/operations/${body.id}?api-version=2025-09-01`);
    expect(sent.headers["retry-after"]).toBe("0");
    const first = await rawRequest(emulator, "GET", `/emails/operations/${body.id}?api-version=2025-09-01`, headers);
    expect([first.status, (first.json as { status: string }).status, first.headers["retry-after"]]).toEqual([200, "Running", "0"]);
    const second = await rawRequest(emulator, "GET", `/emails/operations/${body.id}?api-version=2025-09-01`, headers);
    expect([second.status, second.json, second.headers["retry-after"]]).toEqual([
      200,
      { id: body.id, status: "Succeeded", error: null },
      undefined,
    ]);
  });

  it("works keyless with a TokenCredential", async () => {
    const keyless = new EmailClient(emulator.endpoint, new EmulatorCredential(), clientOptions(emulator));
    const result = await (await keyless.beginSend(message())).pollUntilDone();
    expect(result.status).toBe("Succeeded");
  });

  it("refuses a request signed with a wrong key: 401 Denied", async () => {
    const wrong = new EmailClient(
      `endpoint=${emulator.endpoint};accesskey=${Buffer.alloc(64, 9).toString("base64")}`,
      clientOptions(emulator),
    );
    const error = await failure(wrong.beginSend(message()));
    expect([error.statusCode, error.code, error.message]).toEqual([401, "Denied", "The request signature is invalid."]);
  });
});

describe("Azure's sender errors", () => {
  it("a sender on a domain that is not linked (the unverified customer domain) gets 404 DomainNotLinked", async () => {
    const error = await failure(client.beginSend(message({ senderAddress: "DoNotReply@notify.contoso.com" })));
    expect([error.statusCode, error.code, error.message]).toEqual([
      404,
      "DomainNotLinked",
      "The specified sender domain has not been linked.",
    ]);
  });

  it("a sender on a domain the resource does not know gets 404 DomainNotLinked too", async () => {
    const error = await failure(client.beginSend(message({ senderAddress: "info@elsewhere.example" })));
    expect([error.statusCode, error.code]).toEqual([404, "DomainNotLinked"]);
  });

  it("an unknown sender username on a linked domain gets InvalidSenderUserName with Azure's message", async () => {
    const domain = sender.split("@")[1];
    const error = await failure(client.beginSend(message({ senderAddress: `marketing@${domain}` })));
    expect([error.statusCode, error.code, error.message]).toEqual([
      400,
      "InvalidSenderUserName",
      "Invalid email sender username: 'marketing'. Please use a username from the list of valid usernames configured by your admin.",
    ]);
  });

  it("usernames match case-insensitively (alerts is declared lower-case)", async () => {
    const domain = sender.split("@")[1];
    const result = await (await client.beginSend(message({ senderAddress: `Alerts@${domain}` }))).pollUntilDone();
    expect(result.status).toBe("Succeeded");
  });
});

describe("request validation and limits", () => {
  it("accepts 50 recipients across to, cc and bcc and refuses 51 (Learn: 50 per email)", async () => {
    const addresses = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ address: `${p}${i}@example.com` }));
    const ok = await (
      await client.beginSend(message({ recipients: { to: addresses(30, "t"), cc: addresses(10, "c"), bcc: addresses(10, "b") } }))
    ).pollUntilDone();
    expect(ok.status).toBe("Succeeded");
    const error = await failure(
      client.beginSend(message({ recipients: { to: addresses(30, "t"), cc: addresses(11, "c"), bcc: addresses(10, "b") } })),
    );
    expect([error.statusCode, error.code, error.message]).toEqual([
      400,
      "BadRequest",
      "Request body validation error. See property 'recipients': 51 recipients (to, cc and bcc together); the limit is 50.",
    ]);
  });

  it("refuses a malformed sender address with the service's validation error", async () => {
    const error = await failure(client.beginSend(message({ senderAddress: "Contoso <DoNotReply@contoso.com>" })));
    expect([error.statusCode, error.code, error.message]).toEqual([
      400,
      "BadRequest",
      "Request body validation error. See property 'senderAddress'.",
    ]);
  });

  it("names the recipient that is not an address", async () => {
    const error = await failure(
      client.beginSend(message({ recipients: { to: [{ address: "a@example.com" }, { address: "not-an-address" }] } })),
    );
    expect(error.message).toBe("Request body validation error. See property 'recipients.to[1].address': must be an e-mail address.");
  });

  it("takes an attachment under 10 MB and answers 413 above it", async () => {
    const small = await (
      await client.beginSend(
        message({ attachments: [{ name: "a.txt", contentType: "text/plain", contentInBase64: Buffer.from("hello").toString("base64") }] }),
      )
    ).pollUntilDone();
    expect(small.status).toBe("Succeeded");
    const big = Buffer.alloc(8 * 1024 * 1024, 1).toString("base64"); // ~10.7 MiB once base64-encoded
    const error = await failure(
      client.beginSend(message({ attachments: [{ name: "big.bin", contentType: "application/octet-stream", contentInBase64: big }] })),
    );
    expect([error.statusCode, error.code]).toEqual([413, "RequestEntityTooLarge"]);
  });

  it("refuses an attachment whose content is not base64", async () => {
    const sent = await rawRequest(
      emulator,
      "POST",
      "/emails:send?api-version=2025-09-01",
      {
        authorization: `Bearer ${(await new EmulatorCredential().getToken("https://communication.azure.com//.default")).token}`,
        "content-type": "application/json",
      },
      JSON.stringify({ ...message(), attachments: [{ name: "a", contentType: "text/plain", contentInBase64: "***" }] }),
    );
    expect([sent.status, (sent.json as { error: { target: string } }).error.target, sent.headers["x-ms-error-code"]]).toEqual([
      400,
      "attachments[0].contentInBase64",
      "BadRequest",
    ]);
  });
});

describe("Operation-Id", () => {
  it("the same Operation-Id and message replays the operation; another message under it is 409 Conflict", async () => {
    const operationId = "7b1c7a3e-2f0d-4c1e-9b7a-5d2c1e0f9a11";
    const first = await (await client.beginSend(message(), { operationId })).pollUntilDone();
    const again = await (await client.beginSend(message(), { operationId })).pollUntilDone();
    expect([first.id, again.id]).toEqual([operationId, operationId]);
    const ops = (await admin(emulator, "GET", "/email/operations")).json as { operations: { id: string }[] };
    expect(ops.operations.filter((o) => o.id === operationId)).toHaveLength(1);
    const error = await failure(client.beginSend(message({ content: { subject: "Other", plainText: "Other" } }), { operationId }));
    expect([error.statusCode, error.code]).toEqual([409, "Conflict"]);
  });
});

describe("delivery outcomes and reports", () => {
  it("publishes one EmailDeliveryReportReceived per recipient with the documented fields, outcome chosen by recipient", async () => {
    const recipients = {
      to: [{ address: "ok@example.com" }, { address: "bounce@example.com" }],
      cc: [{ address: "suppressed+7@example.com" }],
    };
    const result = await (await client.beginSend(message({ recipients }))).pollUntilDone();
    expect(events.map((e) => [e.eventType, e.subject, e.data.recipient, e.data.status])).toEqual([
      ["Microsoft.Communication.EmailDeliveryReportReceived", `sender/${sender}/message/${result.id}`, "ok@example.com", "Delivered"],
      ["Microsoft.Communication.EmailDeliveryReportReceived", `sender/${sender}/message/${result.id}`, "bounce@example.com", "Bounced"],
      [
        "Microsoft.Communication.EmailDeliveryReportReceived",
        `sender/${sender}/message/${result.id}`,
        "suppressed+7@example.com",
        "Suppressed",
      ],
    ]);
    const bounced = events[1]?.data as Record<string, unknown>;
    expect(Object.keys(bounced).sort()).toEqual([
      "deliveryAttemptTimeStamp",
      "deliveryStatusDetails",
      "internetMessageId",
      "messageId",
      "recipient",
      "sender",
      "status",
    ]);
    expect(bounced.sender).toBe(sender);
    expect(bounced.messageId).toBe(result.id);
    expect(bounced.deliveryStatusDetails).toEqual({
      statusMessage: "Hard bounce: the recipient's mail server rejected the address (emulated).",
    });
    expect(Date.parse(bounced.deliveryAttemptTimeStamp as string)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("a send to dropped@ fails the operation with the spec's EmailDropped error and reports Failed", async () => {
    const poller = await client.beginSend(message({ recipients: { to: [{ address: "dropped@example.com" }] } }));
    const error = await failure(poller.pollUntilDone());
    expect(error.message).toBe("The long-running operation has failed. EmailDropped. Email was dropped after several attempts to deliver.");
    expect(events.map((e) => e.data.status)).toEqual(["Failed"]);
  });

  it("delivers without being polled: the reports arrive once the polls would have finished", async () => {
    const token = (await new EmulatorCredential().getToken("https://communication.azure.com//.default")).token;
    const sent = await rawRequest(
      emulator,
      "POST",
      "/emails:send?api-version=2025-09-01",
      { authorization: `Bearer ${token}`, "content-type": "application/json" },
      JSON.stringify(message()),
    );
    expect(sent.status).toBe(202);
    expect(events).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(events.map((e) => e.data.messageId)).toEqual([(sent.json as { id: string }).id]);
  });
});

describe("faults on the email operations", () => {
  it("a 429 on send is retried by the SDK and the send then succeeds", async () => {
    await admin(emulator, "POST", "/faults", { operation: "send", status: 429, retryAfterSeconds: 0, count: 1 });
    const retrying = new EmailClient(emulator.connectionString, {
      tlsOptions: { ca: emulator.caCertPem },
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
    });
    const result = await (await retrying.beginSend(message())).pollUntilDone();
    expect(result.status).toBe("Succeeded");
    expect((await admin(emulator, "GET", "/faults")).json).toEqual({ faults: [] });
  });

  it("a 503 on getSendResult surfaces as the SDK's error when retries are off", async () => {
    await admin(emulator, "POST", "/faults", { operation: "getSendResult", status: 503, count: 1 });
    const error = await failure(client.beginSend(message()));
    expect([error.statusCode, error.code]).toEqual([503, "ServiceUnavailable"]);
  });
});

describe("content", () => {
  it("needs a plain-text or an HTML body (the SDK's EmailContent union)", async () => {
    const token = (await new EmulatorCredential().getToken("https://communication.azure.com//.default")).token;
    const sent = await rawRequest(
      emulator,
      "POST",
      "/emails:send?api-version=2025-09-01",
      { authorization: `Bearer ${token}`, "content-type": "application/json" },
      JSON.stringify({ ...message(), content: { subject: "only a subject" } }),
    );
    expect([sent.status, (sent.json as { error: { message: string } }).error.message]).toEqual([
      400,
      "Request body validation error. See property 'content': plainText or html is required.",
    ]);
  });
});
