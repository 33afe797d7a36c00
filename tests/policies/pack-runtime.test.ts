// Proves the pack loads the way `pulumi preview --policy-pack policies` loads it: the SDK's run-policy-pack
// host registers ts-node (vendored 7.0.1 unless the project has one) with type-checking on, in policies/.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const POLICIES_DIR = path.join(__dirname, "../../policies");

// Mirrors @pulumi/pulumi 3.270 cmd/run-policy-pack/run.js: same require strings, compiler options and
// typeCheck. It loads policies.ts rather than index.ts, whose PolicyPack would start a gRPC server.
const LOADER = `
const tsutils = require("@pulumi/pulumi/tsutils");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
const options = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
require(tsnodeRequire).register({
  typeCheck: true, skipProject: false, compiler: typescriptRequire,
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...options },
});
const { allPolicies, PACK_VERSION } = require("./policies.ts");
console.log(JSON.stringify({ count: allPolicies.length, version: PACK_VERSION, names: allPolicies.map((p) => p.name) }));
`;

describe("the policy pack under the CLI's TypeScript loader", () => {
  it("type-checks and loads every policy", async () => {
    const out = execFileSync(process.execPath, ["-e", LOADER], { cwd: POLICIES_DIR, encoding: "utf8" });
    const loaded = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { count: number; version: string; names: string[] };
    const { allPolicies, PACK_VERSION } = await import("../../policies/policies");
    expect(loaded).toEqual({ count: allPolicies.length, version: PACK_VERSION, names: allPolicies.map((p) => p.name) });
  }, 60_000);
});
