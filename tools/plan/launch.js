// Entry of `npm run plan`: compiles tools/plan (TypeScript) into one CommonJS file with esbuild (our sources only;
// packages stay in node_modules) and runs it in this process. Measured by bench/plan.ts: tsx's start-up
// alone costs more than this build, so this path is what keeps the plan near the 2 s goal.
/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- plain CommonJS run by node before any TypeScript loader exists */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..", "..");
// Two levels below the root, like tools/plan/*.ts, so the bundle's __dirname resolves the repository root alike.
const outfile = path.join(root, ".cache", "plan", "cli.js");
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
  logLevel: "error",
});
// Written under a per-process name and renamed, so concurrent plans (parallel CI jobs, tests) never load a
// half-written bundle.
fs.mkdirSync(path.dirname(outfile), { recursive: true });
for (const suffix of [".map", ""]) {
  const target = `${outfile}${suffix}`;
  const file = result.outputFiles.find((f) => f.path === target);
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, file.contents);
  fs.renameSync(temporary, target);
}
require(outfile);
