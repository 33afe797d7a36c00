// Starts the bundle with a V8 code cache kept in the temp directory: the package's entry (src/entry.ts) runs the bundle
// through this, and the server signals `LISTENING_EVENT` once it listens, when the cache is written.
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";

/** Emitted on `process` by src/server.ts once the server listens: the functions a start compiles are compiled by then. */
export const LISTENING_EVENT = "acs-token-api:listening";

/** The folder under the temp directory (NODE_COMPILE_CACHE's place for Node's own cache too) that holds the cache. */
export const CODE_CACHE_DIR = "acs-token-api-code-cache";

/** What `runWithCodeCache` found: a cache V8 accepted, none yet, or one it refused (another Node or V8 flags). */
export type CodeCacheOutcome = "accepted" | "none" | "rejected" | "unusable-dir";

/**
 * The cache of one bundle on one Node: named by the bundle's content hash (computed at build time) because V8 checks
 * only the source's length before it trusts a cache, and by the Node version and architecture, whose V8 writes it.
 */
export function codeCachePath(bundleHash: string, dir = join(tmpdir(), CODE_CACHE_DIR)): string {
  return join(dir, `${bundleHash}-${process.version}-${process.arch}.bin`);
}

/**
 * The cache folder, made if missing, or undefined when it may not be trusted: a cache is code this process runs, so
 * the folder must be this user's own and writable by no one else (/tmp is shared by every user of the machine).
 */
function ownFolder(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(dir);
    if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid()) || (stat.mode & 0o022) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Runs the CommonJS file `bundlePath` as Node would, with the V8 code cache at `cachePath` when there is one V8
 * accepts. Without one, the file is compiled as usual and, once `LISTENING_EVENT` is emitted, the cache is written:
 * `Script.createCachedData()` after the code ran includes every function compiled so far
 * (https://nodejs.org/docs/latest-v22.x/api/vm.html#scriptcreatecacheddata): the bundle's modules are functions that
 * run, and so compile, only when first required, which Node's own compile cache (`module.enableCompileCache`) was
 * measured not to spare (docs/decisions/0033-token-api-ships-as-a-bundle.md). A cache that cannot be read or written
 * only costs the speed-up.
 */
export function runWithCodeCache(bundlePath: string, cachePath: string): CodeCacheOutcome {
  const folder = ownFolder(dirname(cachePath));
  let cachedData: Buffer | undefined;
  if (folder) {
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      cachedData = undefined;
    }
  }
  // The wrapper on a line of its own (and lineOffset -1): stack positions stay those of the file and its source map.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${readFileSync(bundlePath, "utf8")}\n})`, {
    filename: bundlePath,
    lineOffset: -1,
    cachedData,
  });
  const outcome: CodeCacheOutcome = !folder ? "unusable-dir" : !cachedData ? "none" : script.cachedDataRejected ? "rejected" : "accepted";
  if (outcome === "none" || outcome === "rejected") {
    process.once(LISTENING_EVENT, () =>
      setImmediate(() => {
        try {
          // Written aside and renamed: another process starting meanwhile reads a whole cache or none.
          const partial = `${cachePath}.${process.pid}.tmp`;
          writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
          chmodSync(partial, 0o600);
          renameSync(partial, cachePath);
          // Earlier packages' caches (another hash) or Node versions are never read again: each deploy would
          // otherwise leave one (about 4 MB) behind. Another process's file being written ends in .tmp and stays.
          for (const name of readdirSync(dirname(cachePath)))
            if (name !== basename(cachePath) && name.endsWith(".bin")) rmSync(join(dirname(cachePath), name), { force: true });
        } catch {
          // A read-only or full temp directory: the next start compiles again.
        }
      }),
    );
  }
  const module = new Module(bundlePath, require.main);
  module.filename = bundlePath;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  module.loaded = true;
  return outcome;
}
