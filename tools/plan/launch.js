// Entry of `npm run plan`: compiles tools/plan (TypeScript) into one CommonJS file with esbuild (our sources only;
// packages stay in node_modules) and runs it in this process. Measured by bench/plan.ts: tsx's start-up
// alone costs more than this build, so this path is what keeps the plan near the 2 s goal. Two things keep a repeat
// run from paying again for what has not changed: node's compile cache, and no rebuild of an unchanged bundle.
/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- plain CommonJS run by node before any TypeScript loader exists */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const nodeModule = require("node:module");

const root = path.resolve(__dirname, "..", "..");

// Node's on-disk compile cache (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir): V8 reuses the
// code it compiled for the Pulumi and Azure SDK modules on the last run instead of compiling them again (module
// compile was 12 % of a plan's CPU profile). Same directory as the tests use (vitest.config.ts); NODE_COMPILE_CACHE
// overrides it. Enabled before anything below is required, so the bundle and every package it loads are cached.
nodeModule.enableCompileCache?.(process.env.NODE_COMPILE_CACHE ?? path.join(root, ".cache", "node-compile-cache"));

// Two levels below the root, like tools/plan/*.ts, so the bundle's __dirname resolves the repository root alike.
const outfile = path.join(root, ".cache", "plan", "cli.js");
// What the bundle was built from: each input's size and mtime, and the esbuild version and this file's own, so a
// change to any of them rebuilds.
const stampFile = `${outfile}.inputs.json`;

/** True when the bundle on disk was built from the inputs as they are now. */
function upToDate() {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, "utf8"));
  } catch {
    return false;
  }
  if (!fs.existsSync(outfile) || !fs.existsSync(`${outfile}.map`)) return false;
  if (stamp.launcher !== signature(__filename) || stamp.esbuild !== esbuildVersion()) return false;
  for (const [file, expected] of Object.entries(stamp.inputs)) {
    if (signature(path.join(root, file)) !== expected) return false;
  }
  return true;
}

/** "size:mtimeMs" of a file, or "missing" (a deleted input rebuilds too). */
function signature(file) {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "missing";
  }
}

function esbuildVersion() {
  return JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
}

function build() {
  const started = Date.now();
  const esbuild = require("esbuild");
  const result = esbuild.buildSync({
    entryPoints: [path.join(__dirname, "cli.ts")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    packages: "external",
    outfile,
    // An external map (no sourceMappingURL comment, so node does not pay for it): tools/plan/source-map.ts reads it to
    // point SARIF results and the JSON's `source` at the component line that declares a resource.
    sourcemap: "external",
    sourcesContent: false,
    write: false,
    metafile: true,
    absWorkingDir: root,
    logLevel: "error",
  });
  // Written under a per-process name and renamed, so concurrent plans (parallel CI jobs, tests) never load a
  // half-written bundle; the stamp last, so a stamp never vouches for a bundle that is not there yet.
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  // An input saved while esbuild read it may be in the bundle in its older form: its stamp never matches, so the
  // next run builds again.
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs).map((file) => {
      const now = signature(path.join(root, file));
      return [file, Number(now.split(":")[1]) >= started ? "changed-during-build" : now];
    }),
  );
  const stamp = JSON.stringify({ launcher: signature(__filename), esbuild: esbuildVersion(), inputs });
  for (const [target, contents] of [
    [`${outfile}.map`, result.outputFiles.find((f) => f.path === `${outfile}.map`).contents],
    [outfile, result.outputFiles.find((f) => f.path === outfile).contents],
    [stampFile, stamp],
  ]) {
    const temporary = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, contents);
    fs.renameSync(temporary, target);
  }
}

if (!upToDate()) build();
require(outfile);
