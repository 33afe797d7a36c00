// The opt-in "limits like ACS" mode: the documented chat and identity rate limits answered with the service's 429 body
// and a Retry-After, in process (startEmulator({acsLimits})) and through `npm run dev -- --acs-limits` (where a
// duplicate/reorder delivery fault is also shown on the environment's own queues).
// Limits: Learn "Service limits for Azure Communication Services", Chat > Rate Limits
// (https://learn.microsoft.com/azure/communication-services/concepts/service-limits). Body: the 429 response of the
// Chat examples in azure-rest-api-specs specification/communication/data-plane/Chat/stable/2025-03-15/examples.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueueServiceClient } from "@azure/storage-queue";
import { ACS_LIMITS } from "../../../tools/acs-emulator/limits";
import { decodeQueueMessage, startEmulator, type EmulatorHandle } from "../../../tools/acs-emulator/index";
import { advanceClock, failure, newChatUser, rawRequest, type ChatUser } from "./helpers";

const root = join(__dirname, "..", "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");
/** The service's 429 body (every Chat example's "429" response). */
const THROTTLED = { error: { code: "TooManyRequests", message: "Rate limit exceeded." } };

let emulator: EmulatorHandle;
let alice: ChatUser;
let threadId: string;

beforeAll(async () => {
  emulator = await startEmulator({ acsLimits: true });
  alice = await newChatUser(emulator);
  threadId = (await alice.chat.createChatThread({ topic: "limits" })).chatThread!.id;
});
afterAll(async () => emulator.close());

const getThread = (user: ChatUser) =>
  rawRequest(emulator, "GET", `/chat/threads/${encodeURIComponent(threadId)}?api-version=2025-03-15`, {
    authorization: `Bearer ${user.token}`,
  });

describe("thread reads: 50 per user per 10 s (Learn: Get chat thread / List chat threads, per User, 50)", () => {
  it("admits 50 reads, answers the 51st with 429, the service's body and a Retry-After, and admits again after it", async () => {
    expect(ACS_LIMITS.find((r) => r.operations.includes("getProperties"))).toMatchObject({ scope: "user", windowSeconds: 10, limit: 50 });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) statuses.push((await getThread(alice)).status);
    expect(statuses).toEqual(Array.from({ length: 50 }, () => 200));
    const throttled = await getThread(alice);
    expect(throttled.status).toBe(429);
    expect(throttled.json).toEqual(THROTTLED);
    const retryAfter = Number(throttled.headers["retry-after"]);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10).toBe(true);
    // Listing threads is the same row of the table: it is throttled too.
    expect((await failure(alice.chat.listChatThreads().next())).statusCode).toBe(429);
    // Another user has a budget of their own.
    const bob = await newChatUser(emulator);
    await alice.chat.getChatThreadClient(threadId).addParticipants({ participants: [{ id: bob.user }] });
    expect((await getThread(bob)).status).toBe(200);
    // After Retry-After seconds (on the emulator's clock) the read is admitted.
    await advanceClock(emulator, retryAfter);
    expect((await getThread(alice)).status).toBe(200);
  });

  it("the SDK sees a RestError 429 TooManyRequests", async () => {
    const carol = await newChatUser(emulator);
    const created = await carol.chat.createChatThread({ topic: "sdk" });
    const thread = carol.chat.getChatThreadClient(created.chatThread!.id);
    for (let i = 0; i < 50; i += 1) await thread.getProperties();
    const error = await failure(thread.getProperties());
    expect(error).toMatchObject({ statusCode: 429, code: "TooManyRequests", message: "Rate limit exceeded." });
  });
});

describe("per-thread limit: update chat thread, 5 per thread per 10 s", () => {
  it("answers the 6th update of one thread with 429 while another thread is still updated", async () => {
    const dave = await newChatUser(emulator);
    const one = dave.chat.getChatThreadClient((await dave.chat.createChatThread({ topic: "one" })).chatThread!.id);
    const two = dave.chat.getChatThreadClient((await dave.chat.createChatThread({ topic: "two" })).chatThread!.id);
    for (let i = 0; i < 5; i += 1) await one.updateTopic(`one ${i}`);
    expect((await failure(one.updateTopic("one 5"))).statusCode).toBe(429);
    await two.updateTopic("two 0");
    expect((await two.getProperties()).topic).toBe("two 0");
  });
});

describe("off by default", () => {
  it("an emulator without acsLimits admits 60 reads in a row", async () => {
    const plain = await startEmulator();
    try {
      const user = await newChatUser(plain);
      const thread = user.chat.getChatThreadClient((await user.chat.createChatThread({ topic: "unlimited" })).chatThread!.id);
      for (let i = 0; i < 60; i += 1) await thread.getProperties();
      expect((await thread.getProperties()).topic).toBe("unlimited");
    } finally {
      await plain.close();
    }
  });
});

describe("the command lines", () => {
  it("--help of npm run emulator and npm run dev documents --acs-limits", async () => {
    for (const cli of ["tools/acs-emulator/cli.ts", "tools/local-dev/cli.ts"]) {
      const { stdout } = await promisify(execFile)(tsx, [cli, "--help"], { cwd: root });
      expect(stdout).toContain("--acs-limits");
      expect(stdout).toContain("429 TooManyRequests + Retry-After");
    }
  });

  it("npm run dev -- --acs-limits throttles a loop of thread reads with 429 and Retry-After; a fault run duplicates and reorders on its queues", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "acs-limits-dev-"));
    const child = spawn(tsx, ["tools/local-dev/cli.ts", "--data-dir", dataDir, "--instances", "1", "--acs-limits"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0]!);
        });
        void exited.then((code) => reject(new Error(`npm run dev exited with ${String(code)}`)));
      });
      const summary = JSON.parse(line) as { acsEndpoint: string; connectionString: string; caCertPath: string };
      const ca = readFileSync(summary.caCertPath, "utf8");
      const options = { tlsOptions: { ca }, retryOptions: { maxRetries: 0 } };
      const identity = new CommunicationIdentityClient(summary.connectionString, options);
      const { token } = await identity.createUserAndToken(["chat"]);
      const chat = new ChatClient(summary.acsEndpoint, new AzureCommunicationTokenCredential(token), options);
      const thread = chat.getChatThreadClient((await chat.createChatThread({ topic: "dev limits" })).chatThread!.id);
      let admitted = 0;
      let throttled: { statusCode?: number; code?: string; response?: { headers: { get(name: string): string | undefined } } } | undefined;
      for (let i = 0; i < 60 && !throttled; i += 1) {
        try {
          await thread.getProperties();
          admitted += 1;
        } catch (error) {
          throttled = error as typeof throttled;
        }
      }
      expect(admitted).toBe(50);
      expect(throttled?.statusCode).toBe(429);
      expect(throttled?.code).toBe("TooManyRequests");
      expect(Number(throttled?.response?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

      // The same environment's Event Grid: Pulumi.dev.yaml routes ChatMessageReceived to a storage queue. A fault set
      // through adminUrl (env.json) holds the first delivery until the second is written, and writes it twice.
      const env = JSON.parse(readFileSync(join(dataDir, "env.json"), "utf8")) as {
        adminUrl: string;
        events: { storageConnectionString: string; subscriptions: { name: string; eventTypes: string[]; queueName?: string }[] };
      };
      const subscription = env.events.subscriptions.find((s) => s.eventTypes.includes("Microsoft.Communication.ChatMessageReceived"))!;
      const queueName = subscription.queueName!;
      const fault = await fetch(`${env.adminUrl}/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ operation: `deliverEvent:${subscription.name}`, duplicate: true, reorder: true, count: 1 }),
      });
      expect(fault.status).toBe(201);
      const bob = await identity.createUserAndToken(["chat"]);
      const pair = chat.getChatThreadClient(
        (await chat.createChatThread({ topic: "dev events" }, { participants: [{ id: bob.user }] })).chatThread!.id,
      );
      const first = (await pair.sendMessage({ content: "m1" })).id;
      const second = (await pair.sendMessage({ content: "m2" })).id;
      const queue = QueueServiceClient.fromConnectionString(env.events.storageConnectionString).getQueueClient(queueName);
      const seen: string[] = [];
      for (let i = 0; i < 100 && seen.length < 3; i += 1) {
        const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32 });
        for (const m of receivedMessageItems) {
          seen.push(String(decodeQueueMessage(m.messageText).data.messageId));
          await queue.deleteMessage(m.messageId, m.popReceipt);
        }
        if (seen.length < 3) await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toEqual([second, first, first]);
    } finally {
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
