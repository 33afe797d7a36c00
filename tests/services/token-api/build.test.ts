// The package build's own logic: which packages it leaves out (and what a left-out one does when called), zod's locales
// cut to English, the licence notices, and the zip reader the tests and the start-up bench unpack the package with.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { UNUSED, leaveOut, thirdPartyNotices, zodEnglishOnly } from "../../../services/token-api/scripts/build";
import { createZip, readZip } from "../../../services/token-api/scripts/zip";

const repoRoot = resolve(__dirname, "..", "..", "..");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("the packages the build leaves out", () => {
  it.each([
    ["@opentelemetry/exporter-trace-otlp-grpc", true],
    ["@opentelemetry/exporter-metrics-otlp-http", true],
    ["@opentelemetry/exporter-logs-otlp-proto", true],
    ["@opentelemetry/exporter-zipkin", true],
    ["@opentelemetry/exporter-prometheus", true],
    ["@opentelemetry/configuration", true],
    ["@opentelemetry/instrumentation-redis", true],
    ["@opentelemetry/instrumentation-winston", true],
    ["@azure/opentelemetry-instrumentation-azure-sdk", true],
    ["@azure/communication-signaling", true],
    ["yaml", true],
    // What telemetry and the app do use stays in.
    ["@opentelemetry/instrumentation-http", false],
    ["@opentelemetry/instrumentation", false],
    ["@opentelemetry/sdk-node", false],
    ["@azure/monitor-opentelemetry-exporter", false],
    ["@azure/communication-chat", false],
    ["@opentelemetry/exporter-trace-otlp-http/build/src/index.js", false],
  ])("%s left out: %s", (name, out) => {
    expect(UNUSED.test(name)).toBe(out);
  });

  it("a left-out package loads, and throws naming itself when called", async () => {
    const result = await build({
      stdin: { contents: 'const yaml = require("yaml"); module.exports = { has: typeof yaml.stringify, call: () => yaml.stringify({}) };' },
      bundle: true,
      platform: "node",
      format: "cjs",
      write: false,
      plugins: [leaveOut(UNUSED)],
      logLevel: "silent",
    });
    const module = { exports: {} as { has: string; call: () => unknown } };
    new Function("module", "exports", "require", result.outputFiles[0]!.text)(module, module.exports, require);
    expect(module.exports.has).toBe("function");
    expect(() => module.exports.call()).toThrow("yaml is not in the token API package (scripts/build.ts leaveOut)");
  });
});

describe("zod in English only", () => {
  // zod's CommonJS build (require) and its ESM build (import, as src/ imports it) alike.
  const sources = {
    require:
      'const { z } = require("zod"); module.exports = { message: z.object({ a: z.string() }).safeParse({ a: 1 }).error.issues[0].message, locales: Object.keys(z.locales) };',
    import:
      'import { z } from "zod"; export const message = z.object({ a: z.string() }).safeParse({ a: 1 }).error!.issues[0]!.message; export const locales = Object.keys(z.locales);',
  };
  const bundleZod = async (how: keyof typeof sources, plugins: Plugin[]) => {
    const result = await build({
      stdin: { contents: sources[how], resolveDir: repoRoot, loader: "ts" },
      bundle: true,
      platform: "node",
      format: "cjs",
      write: false,
      plugins,
      logLevel: "silent",
    });
    const module = { exports: {} as { message: string; locales: string[] } };
    new Function("module", "exports", "require", result.outputFiles[0]!.text)(module, module.exports, require);
    return { ...module.exports, bytes: result.outputFiles[0]!.contents.length };
  };

  it.each(["require", "import"] as const)("keeps zod's English messages and drops the other locales (%s)", async (how) => {
    const all = await bundleZod(how, []);
    const english = await bundleZod(how, [zodEnglishOnly()]);
    expect(english.message).toBe("Invalid input: expected string, received number");
    expect(english.message).toBe(all.message);
    expect(english.locales).toEqual(["en"]);
    expect(all.locales).toContain("de");
    // The locales are most of what zod weighs in the bundle (about 270 KB minified, more here unminified).
    expect(all.bytes - english.bytes).toBeGreaterThan(250_000);
  });
});

describe("the licence notices", () => {
  it("name each bundled package once with its version and carry its licence text", () => {
    const version = (name: string) =>
      (JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    const notices = thirdPartyNotices({
      inputs: {
        "node_modules/fastify/fastify.js": { bytes: 1, imports: [] },
        "node_modules/fastify/lib/route.js": { bytes: 1, imports: [] },
        "node_modules/@azure/core-auth/dist/commonjs/index.js": { bytes: 1, imports: [] },
        "services/token-api/src/app.ts": { bytes: 1, imports: [] },
      },
      outputs: {},
    });
    expect(notices.packages).toBe(2);
    const headers = notices.text.split("\n").filter((line, i, lines) => /^-+$/.test(lines[i + 1] ?? ""));
    expect(headers).toEqual([`@azure/core-auth@${version("@azure/core-auth")}`, `fastify@${version("fastify")}`]);
    expect(notices.text).toContain(readFileSync(join(repoRoot, "node_modules", "fastify", "LICENSE"), "utf8").trim());
  });
});

describe("the zip", () => {
  it("reads back what it wrote: names sorted, contents byte for byte, deflated and stored", async () => {
    dir = mkdtempSync(join(tmpdir(), "token-api-zip-"));
    const content = join(dir, "content");
    mkdirSync(join(content, "sub"), { recursive: true });
    const text = "a line that repeats\n".repeat(200);
    const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256));
    writeFileSync(join(content, "server.js"), text);
    writeFileSync(join(content, "sub", "bytes.bin"), random);
    writeFileSync(join(content, "empty.txt"), "");
    expect(await createZip(content, join(dir, "out.zip"))).toBe(3);
    expect(readZip(join(dir, "out.zip")).map((e) => [e.name, e.data.toString("base64")])).toEqual([
      ["empty.txt", ""],
      ["server.js", Buffer.from(text).toString("base64")],
      ["sub/bytes.bin", random.toString("base64")],
    ]);
  });
});
