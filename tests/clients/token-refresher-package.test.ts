// clients/token-refresher as a package for apps outside this repository: `npm pack` builds it, the tarball holds
// JavaScript with type declarations, and the JavaScript loads on its own from an unrelated directory.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

describe("@acs-platform/token-refresher package", () => {
  it("npm pack builds dist/index.js and dist/index.d.ts; the packed JavaScript loads outside the repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "token-refresher-pack-"));
    await promisify(execFile)("npm", ["pack", join(root, "clients", "token-refresher"), "--pack-destination", dir], { cwd: dir });
    const tarball = readdirSync(dir).find((name) => name.endsWith(".tgz"))!;
    const { stdout: listing } = await promisify(execFile)("tar", ["tzf", join(dir, tarball)]);
    expect(listing.trim().split("\n").sort()).toEqual([
      "package/README.md",
      "package/dist/index.d.ts",
      "package/dist/index.js",
      "package/dist/index.js.map",
      "package/package.json",
    ]);
    await promisify(execFile)("tar", ["xzf", join(dir, tarball)], { cwd: dir });
    const script = "const m = require('./package'); console.log(JSON.stringify(Object.keys(m).sort()))";
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual([
      "SignInRequiredError",
      "TokenApiError",
      "createTokenCredential",
      "createTokenRefresher",
      "retryAfterMs",
    ]);
  }, 120_000);
});
