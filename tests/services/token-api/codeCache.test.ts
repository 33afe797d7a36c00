// The bundle's code cache (src/codeCache.ts), each start a process of its own: written once listening, used by the
// next start, refused when it is not V8's, never read from a folder others may write, other bundles' caches removed;
// the code runs as a module.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { codeCachePath } from "../../../services/token-api/src/codeCache";

const runner = resolve(__dirname, "fixtures", "run-with-code-cache.ts");
const work = mkdtempSync(join(tmpdir(), "code-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A bundle that reports what it saw as a module, and throws at a known line and column when asked. */
const BUNDLE = `"use strict";
const report = { filename: __filename, dirname: __dirname, join: typeof require("node:path").join, exports: module.exports === exports };
if (process.env.THROW) { const e = new Error("boom"); process.stdout.write(JSON.stringify({ stack: e.stack.split("\\n")[1] }) + "\\n"); }
process.stdout.write(JSON.stringify(report) + "\\n");
`;

function start(bundle: string, cache: string, env: Record<string, string> = {}): Array<Record<string, unknown>> {
  const run = spawnSync(process.execPath, ["--import", "tsx", runner, bundle, cache], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return run.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("runWithCodeCache", () => {
  const dir = join(work, "own");
  const bundle = join(work, "token-api.js");
  writeFileSync(bundle, BUNDLE);
  const cache = codeCachePath("0123456789abcdef", join(dir, "cache"));

  it("names the cache by the bundle's hash, the Node version and the architecture", () => {
    expect(cache).toBe(join(dir, "cache", `0123456789abcdef-${process.version}-${process.arch}.bin`));
  });

  it("runs the bundle as a CommonJS module and writes the cache once listening, readable by this user only", () => {
    const [report, outcome] = start(bundle, cache);
    expect(report).toEqual({ filename: bundle, dirname: work, join: "function", exports: true });
    expect(outcome).toEqual({ outcome: "none" });
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "cache")).mode & 0o777).toBe(0o700);
  });

  it("uses the cache on the next start", () => {
    const [report, outcome] = start(bundle, cache);
    expect(report).toEqual({ filename: bundle, dirname: work, join: "function", exports: true });
    expect(outcome).toEqual({ outcome: "accepted" });
  });

  it("keeps the bundle's own line and column in stack traces (the wrapper is on a line of its own)", () => {
    const [frame] = start(bundle, cache, { THROW: "1" });
    const column = BUNDLE.split("\n")[2]!.indexOf("new Error") + 1;
    expect(column).toBe(36);
    expect(frame).toEqual({ stack: `    at Object.<anonymous> (${bundle}:3:${column})` });
  });

  it("refuses a cache that is not V8's, runs the bundle all the same, and writes a good one", () => {
    writeFileSync(cache, Buffer.alloc(4096, 7));
    expect(start(bundle, cache)[1]).toEqual({ outcome: "rejected" });
    expect(start(bundle, cache)[1]).toEqual({ outcome: "accepted" });
  });

  it("removes the caches of other bundles and Node versions when it writes its own", () => {
    const otherBundle = codeCachePath("fedcba9876543210", join(dir, "cache"));
    const otherNode = join(dir, "cache", `0123456789abcdef-v0.0.0-${process.arch}.bin`);
    const beingWritten = `${otherBundle}.4242.tmp`;
    for (const file of [otherBundle, otherNode, beingWritten]) writeFileSync(file, "old");
    writeFileSync(cache, "not V8's");
    expect(start(bundle, cache)[1]).toEqual({ outcome: "rejected" });
    expect(readdirSync(join(dir, "cache")).sort()).toEqual([basename(cache), basename(beingWritten)].sort());
  });

  it("neither reads nor writes a cache in a folder others may write", () => {
    const shared = join(work, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const planted = codeCachePath("0123456789abcdef", shared);
    writeFileSync(planted, readFileSync(cache));
    const [report, outcome] = start(bundle, planted);
    expect(report).toEqual({ filename: bundle, dirname: work, join: "function", exports: true });
    expect(outcome).toEqual({ outcome: "unusable-dir" });
    // Nothing written beside the planted file (no cache, no half-written one).
    expect(readdirSync(shared)).toEqual([basename(planted)]);
  });
});
