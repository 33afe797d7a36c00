// Runs examples/conversations/README.md as written: the commands of its shell block, against a fresh `npm run dev`
// (its data dir in place of .local-dev), and checks what they print.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

describe("examples/conversations", () => {
  it("the README's commands create order 1234, both users send and read, a stranger is told 404", async () => {
    const readme = readFileSync(join(root, "examples", "conversations", "README.md"), "utf8");
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    const dataDir = mkdtempSync(join(tmpdir(), "example-conversations-"));
    const lines = block.split("\n");
    // The first command is `npm run dev` (terminal 1): started here as a process of the test, with its own data dir.
    expect(lines[0]).toMatch(/^npm run dev\s/);
    const script = lines
      .slice(1)
      .join("\n")
      .replaceAll("./.local-dev/env.json", join(dataDir, "env.json"))
      .replaceAll("dev:jwt -- ", `dev:jwt -- --data-dir ${dataDir} `)
      // The last command exits 3 by design (the stranger); what each printed is checked below.
      .concat("\nexit 0\n");
    const child = spawn(tsx, ["tools/local-dev/cli.ts", "--data-dir", dataDir], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("\n")) resolve();
        });
        child.once("exit", (code) => reject(new Error(`npm run dev exited with ${code}`)));
      });
      const { stdout } = await promisify(execFile)("bash", ["-c", script], { cwd: root, timeout: 120_000, maxBuffer: 1 << 22 });
      const printed = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(printed).toHaveLength(4);
      const [backend, alice, bob, mallory] = printed as [
        { status: number; threadId: string; participants: string[] },
        { threadId: string; messages: Array<{ text: string }> },
        { threadId: string; messages: Array<{ text: string }> },
        { error: string },
      ];
      expect([backend.status, backend.participants]).toEqual([201, ["alice", "bob"]]);
      expect(backend.threadId).toMatch(/^19:.+@thread\.v2$/);
      expect([alice.threadId, alice.messages.map((m) => m.text)]).toEqual([backend.threadId, ["hello from alice"]]);
      expect([bob.threadId, bob.messages.map((m) => m.text)]).toEqual([backend.threadId, ["hello from alice", "hi alice"]]);
      expect(mallory).toEqual({ error: "not a participant of this order" });
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  }, 240_000);
});
