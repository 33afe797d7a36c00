// `npm run build`: bundles the token API with esbuild and writes the run-from-package zip to dist/token-api.zip
// (docs/decisions/0033-token-api-ships-as-a-bundle.md).
import { build, type Metafile, type Plugin } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { TOKEN_API_NODE_MAJOR } from "../../../policies/deployability-facts";
import { PACKAGE_ZIP_PATH } from "./package-path";
import { createZip } from "./zip";

const packageDir = resolve(__dirname, "..");
const repoRoot = resolve(packageDir, "..", "..");
const distDir = join(packageDir, "dist");
/** The zip `npm run build` writes (components/token-api-host deploys it from the same path). */
export const ZIP_PATH = join(repoRoot, PACKAGE_ZIP_PATH);

/** The esbuild target: the Node major App Service runs the package on (TokenApiHost `linuxFxVersion` NODE|<major>-lts). */
const BUILD_TARGET = `node${TOKEN_API_NODE_MAJOR}`;

/** The package's entry: App Service runs `node server.js` (package.json `main`, no `start` script; see below). */
export const ENTRY_FILE = "server.js";
/**
 * The bundle the entry starts: src/server.ts and everything it uses, in one file. The entry (src/entry.ts, a file of its
 * own) runs it with a V8 code cache (src/codeCache.ts): a process caches only code compiled after it set the cache up.
 */
export const BUNDLE_FILE = "token-api.js";

interface PackageJson {
  name: string;
  version: string;
  license?: string;
}

/**
 * Packages the token API never calls, left out of the package: each is replaced by a module whose exports throw,
 * naming the package, if anything ever does call one. They are required when their dependents load, which costs
 * compile and start-up time (and size) for nothing:
 * - from the Azure Monitor distro, @opentelemetry/sdk-node requires every exporter for the OTEL_*_EXPORTER variables, and
 *   @opentelemetry/configuration (with a YAML parser) for its experimental `startNodeSDK`; the distro constructs a
 *   `NodeSDK` with its own Azure Monitor processors and readers, so none of them is called (gRPC, protobuf, OTLP
 *   transformers and the configuration schema were about a third of the distro's start-up); and the instrumentations
 *   src/telemetry.ts turns off (AZURE_MONITOR_INSTRUMENTATIONS), which the distro constructs only when on;
 * - from the app, @azure/communication-chat requires @azure/communication-signaling for real-time notifications, which
 *   it never starts in Node (its node `getSignalingClient` returns undefined), and @fastify/swagger requires `yaml` for
 *   a YAML document, which /openapi.json never asks for.
 */
export const UNUSED =
  /^(@opentelemetry\/(exporter-((trace|metrics|logs)-otlp-(grpc|http|proto)|zipkin|prometheus)|configuration|instrumentation-(mongodb|mysql|pg|redis|bunyan|winston))|@azure\/opentelemetry-instrumentation-azure-sdk|@azure\/communication-signaling|yaml)$/;

export function leaveOut(filter: RegExp): Plugin {
  return {
    name: "leave-out-unused",
    setup(builder) {
      builder.onResolve({ filter }, (args) => ({ path: args.path, namespace: "left-out" }));
      builder.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
        loader: "js",
        contents: `const refuse = () => { throw new Error(${JSON.stringify(`${args.path} is not in the token API package (scripts/build.ts leaveOut)`)}); };
module.exports = new Proxy({}, { get: (_, key) => (key === "__esModule" ? true : typeof key === "string" ? refuse : undefined) });`,
      }));
    },
  };
}

/**
 * zod's messages in English only: zod re-exports every locale it ships (`z.locales`, about 50 languages, 270 KB of the
 * bundle, each set up when zod loads) and configures English itself (zod/v4/classic/external.js); the API answers in
 * English and never calls `z.locales`. Every import of zod's locale index gets a module exporting `en` alone.
 */
export function zodEnglishOnly(): Plugin {
  return {
    name: "zod-english-only",
    setup(builder) {
      // zod's ESM (.js) and CommonJS (.cjs) builds alike.
      builder.onResolve({ filter: /^\.\.\/locales\/index\.c?js$/ }, (args) =>
        /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer)
          ? { path: join(args.resolveDir, "..", "locales", args.path.endsWith(".cjs") ? "en.cjs" : "en.js"), namespace: "zod-locales" }
          : undefined,
      );
      builder.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
        loader: "js",
        contents: `export { default as en } from ${JSON.stringify(args.path)};`,
        resolveDir: dirname(args.path),
      }));
    },
  };
}

const BUNDLE_OPTIONS = {
  bundle: true,
  platform: "node",
  target: BUILD_TARGET,
  format: "cjs",
  minify: true,
  // Classes and functions keep their `name`: errors that take their name from their class (jose's) keep a readable
  // one in logs and as an exception's type in Application Insights. Stack frames show minified names and bundle
  // positions: the source maps beside the zip (dist/sourcemaps) map them back. (Costs about 30 ms of CPU at start.)
  keepNames: true,
  sourcemap: "external",
  legalComments: "none",
  // An import() of a bundled module becomes that module's lazy start inside the file, never a call into Node's ESM
  // loader (which scans a CommonJS file's exports first: 300 ms measured for the distro's code).
  supported: { "dynamic-import": false },
  metafile: true,
  // Input paths in the metafile relative to the repository root (thirdPartyNotices reads them).
  absWorkingDir: repoRoot,
  logLevel: "warning",
} as const;

/**
 * Bundles src/server.ts, the Azure Monitor distro included, into `outdir`/token-api.js; returns the build's inputs (for
 * the licence notices). The distro is in the file but only runs with a connection string: src/server.ts imports it
 * then, before the app (whose modules run on their first import, not when the file loads). One file rather than the
 * distro in a file of its own: the Azure core packages both use then load once (telemetry on, as in every deployed
 * environment: 2.60x against 3.00x the bare fastify start's CPU, 9 interleaved rounds).
 */
export async function bundleApp(outdir: string): Promise<Metafile> {
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [join(packageDir, "src", "server.ts")],
    outfile: join(outdir, BUNDLE_FILE),
    plugins: [leaveOut(UNUSED), zodEnglishOnly()],
  });
  // The entry names the bundle's content: its code cache is valid for this content only (src/codeCache.ts).
  const hash = createHash("sha256")
    .update(readFileSync(join(outdir, BUNDLE_FILE)))
    .digest("hex")
    .slice(0, 16);
  const entry = await build({
    ...BUNDLE_OPTIONS,
    sourcemap: false,
    entryPoints: [join(packageDir, "src", "entry.ts")],
    outfile: join(outdir, ENTRY_FILE),
    define: { TOKEN_API_BUNDLE: JSON.stringify(BUNDLE_FILE), TOKEN_API_BUNDLE_HASH: JSON.stringify(hash) },
  });
  return {
    inputs: { ...result.metafile.inputs, ...entry.metafile.inputs },
    outputs: { ...result.metafile.outputs, ...entry.metafile.outputs },
  };
}

/** The directory of the package an input file belongs to (the last node_modules/<name> in its path). */
function packageRootOf(input: string): string | undefined {
  const parts = input.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at === -1) return undefined;
  const length = parts[at + 1]?.startsWith("@") ? 2 : 1;
  return join(repoRoot, ...parts.slice(0, at + 1 + length));
}

/**
 * The licences of every package bundled: bundling drops the packages' own LICENSE files, which MIT, BSD and Apache
 * 2.0 require to travel with the code.
 */
export function thirdPartyNotices(metafile: Metafile): { text: string; packages: number } {
  const roots = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const root = packageRootOf(input);
    if (root && existsSync(join(root, "package.json"))) roots.add(root);
  }
  const seen = new Set<string>();
  const sections: string[] = [];
  for (const root of [...roots].sort()) {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
    const id = `${pkg.name}@${pkg.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const licenceFile = readdirSync(root).find((file) => /^(licen[cs]e|copying|notice)(\.|$)/i.test(file));
    const text = licenceFile ? readFileSync(join(root, licenceFile), "utf8").trim() : `License: ${pkg.license ?? "see the package"}`;
    sections.push(`${id}\n${"-".repeat(id.length)}\n${text}\n`);
  }
  return { text: `Third-party software bundled in the token API package.\n\n${sections.join("\n")}`, packages: seen.size };
}

function inventory(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = inventory(path);
      files += inner.files;
      bytes += inner.bytes;
    } else {
      files++;
      bytes += statSync(path).size;
    }
  }
  return { files, bytes };
}

/** What `buildPackage` wrote: the zip, its entries, and the size of its content unpacked. */
export interface PackageSummary {
  zipPath: string;
  packageDir: string;
  files: number;
  unpackedBytes: number;
  zipBytes: number;
  bundledPackages: number;
}

/**
 * Writes `<dist>/package` (what the zip holds), `<dist>/token-api.zip` and `<dist>/sourcemaps`; `npm run build` writes
 * services/token-api/dist, the telemetry test a temporary directory.
 */
export async function buildPackage(dist: string): Promise<PackageSummary> {
  const packageOut = join(dist, "package");
  const zipPath = join(dist, "token-api.zip");
  const sourceMaps = join(dist, "sourcemaps");
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(packageOut, { recursive: true });
  const metafile = await bundleApp(packageOut);
  mkdirSync(sourceMaps, { recursive: true });
  for (const file of readdirSync(packageOut).filter((name) => name.endsWith(".map"))) {
    writeFileSync(join(sourceMaps, file), readFileSync(join(packageOut, file)));
    rmSync(join(packageOut, file));
  }
  const notices = thirdPartyNotices(metafile);
  writeFileSync(join(packageOut, "THIRD-PARTY-NOTICES.txt"), notices.text);
  const own = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as PackageJson;
  writeFileSync(
    join(packageOut, "package.json"),
    JSON.stringify(
      {
        name: own.name,
        version: own.version,
        private: true,
        // No `scripts.start`: App Service's Node start-up (Oryx) runs `npm start` when there is one, and `node <main>`
        // otherwise (https://github.com/microsoft/Oryx/blob/main/doc/runtimes/nodejs.md "Run";
        // src/startupscriptgenerator/src/node/scriptgenerator.go): npm would only add its own start-up to ours.
        main: ENTRY_FILE,
        engines: { node: `>=${TOKEN_API_NODE_MAJOR}` },
      },
      null,
      2,
    ),
  );
  const files = await createZip(packageOut, zipPath);
  return {
    zipPath,
    packageDir: packageOut,
    files,
    unpackedBytes: inventory(packageOut).bytes,
    zipBytes: statSync(zipPath).size,
    bundledPackages: notices.packages,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const summary = await buildPackage(distDir);
  process.stdout.write(
    `${JSON.stringify({
      artifact: relative(repoRoot, summary.zipPath),
      files: summary.files,
      unpackedBytes: summary.unpackedBytes,
      zipBytes: summary.zipBytes,
      bundledPackages: summary.bundledPackages,
      sourceMaps: relative(repoRoot, join(distDir, "sourcemaps")),
      seconds: (Date.now() - started) / 1000,
    })}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`build failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
