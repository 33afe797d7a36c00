// `npm run archive-chat` and `npm run decommission` as real processes against the local environment (emulator, Azurite,
// token API): the archive matches the emulator, a re-run adds nothing, a killed run resumes, --follow archives later
// messages, and decommission's dry run passes only on a complete archive.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatClient } from "@azure/communication-chat";
import { BlobServiceClient } from "@azure/storage-blob";
import { localEnvDocument, startLocalEnvironment, type LocalEnvironment } from "../../tools/local-dev/index";
import { CHAT_ARCHIVE_CONTAINER, CHAT_ARCHIVE_STATE_CONTAINER } from "../../components/chat-archive/settings";
import { ArchiveStore } from "../../runbooks/lib/chat-archive/store";
import { toMessage, toProperties } from "../../runbooks/lib/chat-archive/source";
import type { ArchiveRecord, MessageVersion } from "../../runbooks/lib/chat-archive/records";
import { chatFactory, clearFaults, identityClient, injectFault } from "./helpers";

const root = path.resolve(__dirname, "..", "..");

let env: LocalEnvironment;
let envFile: string;
let store: ArchiveStore;
let blobs: BlobServiceClient;
/** ACS user id of each app user, as the token API mapped it. */
const users: Record<string, string> = {};
const chat: Record<string, ChatClient> = {};
const threads: Record<string, string> = {};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function start(script: string, args: string[]): { child: ChildProcess; done: Promise<Run> } {
  // Node itself with tsx's loader, not the tsx launcher: SIGKILL must reach the process doing the work.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "runbooks", script), ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) =>
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : 1), stdout, stderr })),
  );
  return { child, done };
}

const run = (script: string, args: string[]) => start(script, [...args, "--local", "--local-env", envFile]).done;
const report = (r: Run) => JSON.parse(r.stdout) as Record<string, unknown>;

/** Maps an app user through the token API (the mapping row the archive starts from) and opens a chat client with a `chat` token. */
async function mapUser(subject: string): Promise<void> {
  const response = await fetch(`${env.tokenApiUrl}/api/token`, {
    method: "POST",
    headers: { authorization: `Bearer ${await env.oidc.mintToken(subject)}`, "content-type": "application/json" },
    body: "{}",
  });
  expect(response.status).toBe(200);
  const { acsUserId } = (await response.json()) as { acsUserId: string };
  users[subject] = acsUserId;
  const token = await identityClient(env.emulator, env.emulator.connectionString).getToken({ communicationUserId: acsUserId }, ["chat"]);
  chat[subject] = chatFactory(env.emulator)(token.token);
}

async function createThread(key: string, owner: string, members: string[]): Promise<string> {
  const created = await chat[owner]!.createChatThread(
    { topic: `topic ${key}` },
    { participants: [owner, ...members].map((s) => ({ id: { communicationUserId: users[s]! }, displayName: s })) },
  );
  threads[key] = created.chatThread!.id;
  return threads[key]!;
}

const send = async (key: string, sender: string, text: string) =>
  (await chat[sender]!.getChatThreadClient(threads[key]!).sendMessage({ content: text })).id;

/** What the emulator lists for a thread, read as `reader`, in the archive's model. */
async function sourceMessages(threadId: string, reader: string): Promise<MessageVersion[]> {
  const out: MessageVersion[] = [];
  for await (const m of chat[reader]!.getChatThreadClient(threadId).listMessages()) out.push(toMessage(m));
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The latest archived version of every message of a thread, and every record (to find doubles). */
async function archived(threadId: string): Promise<{ messages: MessageVersion[]; records: ArchiveRecord[] }> {
  const { records } = await store.readThread(threadId);
  const latest = new Map<string, MessageVersion>();
  for (const r of records) if (r.kind === "message") latest.set(r.message.id, r.message);
  return { messages: [...latest.values()].sort((a, b) => a.id.localeCompare(b.id)), records };
}

async function blobCount(container: string, prefix = ""): Promise<number> {
  let n = 0;
  for await (const _ of blobs.getContainerClient(container).listBlobsFlat({ prefix })) n++;
  return n;
}

/** Messages and their hashes written more than once: a re-run or a resumed run must leave none. */
const doubles = (records: ArchiveRecord[]) => {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = `${r.kind}:${r.kind === "message" ? r.message.id : ""}:${r.hash}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  }).length;
};

beforeAll(async () => {
  env = await startLocalEnvironment();
  const dir = mkdtempSync(path.join(tmpdir(), "archive-chat-"));
  envFile = path.join(dir, "env.json");
  writeFileSync(envFile, JSON.stringify(localEnvDocument(env)));
  blobs = BlobServiceClient.fromConnectionString(env.events.storageConnectionString);
  store = new ArchiveStore(blobs.getContainerClient(CHAT_ARCHIVE_CONTAINER), blobs.getContainerClient(CHAT_ARCHIVE_STATE_CONTAINER));
  for (const subject of ["alice", "bob", "carol"]) await mapUser(subject);

  // general: alice and bob, five messages, one edited, one deleted.
  await createThread("general", "alice", ["bob"]);
  const first = await send("general", "alice", "hello bob");
  await send("general", "bob", "hi alice");
  const third = await send("general", "alice", "typo heer");
  await send("general", "bob", "see you");
  await chat.alice!.getChatThreadClient(threads.general!).updateMessage(third, { content: "typo here" });
  await chat.alice!.getChatThreadClient(threads.general!).deleteMessage(first);
  // project: bob and carol; notes: alice alone; gone: deleted after one message.
  await createThread("project", "bob", ["carol"]);
  for (const text of ["plan", "budget", "dates"]) await send("project", "carol", text);
  await createThread("notes", "alice", []);
  await send("notes", "alice", "remember the milk");
  await createThread("gone", "carol", ["alice"]);
  await send("gone", "carol", "short-lived");
  await chat.carol!.deleteChatThread(threads.gone!);
}, 120_000);

afterAll(async () => {
  await env?.stop();
});

describe("archive-chat --local", () => {
  it("archives every thread: the archive's messages equal the emulator's, edits and deletions included", async () => {
    const first = await run("archive-chat.ts", ["--json"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(report(first)).toMatchObject({
      ok: true,
      resumed: false,
      threads: 4,
      verified: 3,
      deleted: 1,
      skipped: 0,
      incomplete: [],
      unreachable: [],
      // general 4, project 3, notes 1 sent, and each live thread's two system messages (topic set, members added)
      sourceMessages: 4 + 3 + 1 + 3 * 2,
    });
    for (const [key, reader] of [
      ["general", "alice"],
      ["project", "carol"],
      ["notes", "alice"],
    ] as const) {
      const source = await sourceMessages(threads[key]!, reader);
      expect((await archived(threads[key]!)).messages).toEqual(source);
    }
    const general = (await archived(threads.general!)).messages;
    expect(general.filter((m) => m.deletedOn !== undefined).map((m) => m.content?.message)).toHaveLength(1);
    expect(general.filter((m) => m.editedOn !== undefined).map((m) => m.content?.message)).toEqual(["typo here"]);
    // Thread properties and members are archived too; the deleted thread as ACS still lists it.
    const records = (await archived(threads.general!)).records;
    const props = records.find((r) => r.kind === "thread");
    expect(props?.kind === "thread" && props.properties).toEqual(
      toProperties(await chat.alice!.getChatThreadClient(threads.general!).getProperties()),
    );
    const members = records.find((r) => r.kind === "participants");
    expect(members?.kind === "participants" && members.participants.map((p) => p.id)).toEqual([users.alice, users.bob].sort());
    const gone = (await archived(threads.gone!)).records;
    expect(gone.map((r) => r.kind)).toEqual(["thread"]);
    expect(gone[0]?.kind === "thread" && gone[0].properties.deletedOn).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("a second run adds nothing", async () => {
    const before = await blobCount(CHAT_ARCHIVE_CONTAINER);
    const again = await run("archive-chat.ts", ["--json"]);
    expect(again.code).toBe(0);
    expect(report(again)).toMatchObject({ ok: true, recordsWritten: 0, threads: 4 });
    expect(await blobCount(CHAT_ARCHIVE_CONTAINER)).toBe(before);
  });

  it("a later edit and a new message add exactly those two versions, in a new segment", async () => {
    const id = await send("project", "carol", "one more");
    const [latest] = (await sourceMessages(threads.project!, "carol")).filter((m) => m.content?.message === "plan");
    await chat.carol!.getChatThreadClient(threads.project!).updateMessage(latest!.id, { content: "plan v2" });
    const r = await run("archive-chat.ts", ["--json"]);
    expect(report(r)).toMatchObject({ ok: true, recordsWritten: 2 });
    const { messages, records } = await archived(threads.project!);
    expect(messages).toEqual(await sourceMessages(threads.project!, "carol"));
    expect(messages.map((m) => m.id)).toContain(id);
    expect(doubles(records)).toBe(0);
    expect(await blobCount(CHAT_ARCHIVE_CONTAINER, `threads/`)).toBe(4 + 1);
  });

  it("the dry run of decommission passes on the complete archive and lists the steps in order", async () => {
    const r = await run("decommission.ts", ["--dry-run"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("PASS  chat archive complete: 4 threads, 15 messages archived");
    expect(r.stdout).toContain("PASS  phone numbers: none attached to the resource");
    const steps = r.stdout.split("\n").filter((l) => /^\s+\d+\. /.test(l));
    expect(steps.map((l) => l.trim().split(":")[0])).toEqual([
      "1. Keep the archive",
      "2. Remove the management locks",
      "3. Remove protect",
      "4. Destroy the stack",
      "5. Purge the vault",
    ]);
  });

  it("decommission names the thread the archive lacks, and exits 1", async () => {
    await send("notes", "alice", "a thought after the archive");
    const r = await run("decommission.ts", ["--dry-run", "--json"]);
    expect(r.code).toBe(1);
    const doc = report(r) as { ok: boolean; archive: { ok: boolean; incomplete: { threadId: string; written: number }[] } };
    expect(doc.ok).toBe(false);
    expect(doc.archive.incomplete).toEqual([expect.objectContaining({ threadId: threads.notes, written: 1 })]);
  });

  it("a run killed halfway resumes on restart and ends with the same archive, nothing doubled", async () => {
    for (let i = 0; i < 12; i++) {
      await createThread(`bulk-${i}`, "bob", ["alice"]);
      for (let m = 0; m < 3; m++) await send(`bulk-${i}`, "bob", `bulk ${i}.${m}`);
    }
    // Every message list takes 250 ms, so the run is still going when three threads are checkpointed.
    await injectFault(env.emulator, { operation: "listMessages", delayMs: 250 });
    const checkpointsBefore = await blobCount(CHAT_ARCHIVE_STATE_CONTAINER, "checkpoints/");
    const killed = start("archive-chat.ts", ["--local", "--local-env", envFile, "--concurrency", "1"]);
    try {
      while ((await blobCount(CHAT_ARCHIVE_STATE_CONTAINER, "checkpoints/")) < checkpointsBefore + 3) {
        await new Promise((r) => setTimeout(r, 50));
      }
      killed.child.kill("SIGKILL");
      expect((await killed.done).code).toBe(-1);
    } finally {
      await clearFaults(env.emulator);
    }
    const run1 = await store.getRun();
    expect(run1?.finishedAt).toBeUndefined();

    const resumed = await run("archive-chat.ts", ["--json"]);
    expect(resumed.code).toBe(0);
    const doc = report(resumed);
    expect(doc).toMatchObject({ ok: true, resumed: true, runId: run1?.runId, threads: 16, incomplete: [], unreachable: [] });
    expect(doc.skipped).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 12; i++) {
      const { messages, records } = await archived(threads[`bulk-${i}`]!);
      expect(messages).toEqual(await sourceMessages(threads[`bulk-${i}`]!, "bob"));
      expect(doubles(records)).toBe(0);
    }
    expect((await store.getRun())?.finishedAt).toMatch(/^\d{4}-/);
    const again = await run("archive-chat.ts", ["--json"]);
    expect(report(again)).toMatchObject({ ok: true, resumed: false, recordsWritten: 0, threads: 16 });
  });

  it("--follow archives a message sent after the bulk export, from the chat-messages queue", async () => {
    const follower = start("archive-chat.ts", ["--local", "--local-env", envFile, "--follow", "--follow-seconds", "10"]);
    await new Promise<void>((resolve) => {
      const listener = (d: Buffer) => {
        if (d.toString().includes("Following the chat-messages queue")) {
          follower.child.stdout?.off("data", listener);
          resolve();
        }
      };
      follower.child.stdout?.on("data", listener);
    });
    const id = await send("general", "bob", "sent while following");
    // An edit alone (ChatMessageEdited, no new message) in another thread is followed too.
    const [dates] = (await sourceMessages(threads.project!, "carol")).filter((m) => m.content?.message === "dates");
    await chat.carol!.getChatThreadClient(threads.project!).updateMessage(dates!.id, { content: "dates (moved)" });
    const r = await follower.done;
    expect(r.code).toBe(0);
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(r.stdout).toMatch(new RegExp(`ARCHIVED  ${escaped(threads.general!)}: \\d+ events, 1 records`));
    expect(r.stdout).toMatch(new RegExp(`ARCHIVED  ${escaped(threads.project!)}: \\d+ events, 1 records`));
    const { messages, records } = await archived(threads.general!);
    expect(messages.find((m) => m.id === id)?.content?.message).toBe("sent while following");
    expect(messages).toEqual(await sourceMessages(threads.general!, "alice"));
    expect(doubles(records)).toBe(0);
    const project = await archived(threads.project!);
    expect(project.messages.find((m) => m.id === dates!.id)?.content?.message).toBe("dates (moved)");
    expect(project.messages).toEqual(await sourceMessages(threads.project!, "carol"));
    expect(doubles(project.records)).toBe(0);
  });
});
