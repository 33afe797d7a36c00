// `npm run build`: compiles the token API and writes the run-from-package zip (production dependencies only) to dist/token-api.zip.
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { createZip } from "./zip";

const packageDir = resolve(__dirname, "..");
const repoRoot = resolve(packageDir, "..", "..");
const distDir = join(packageDir, "dist");
const stagingDir = join(distDir, "package");
const zipPath = join(distDir, "token-api.zip");

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Files no running process reads: type declarations, source maps and Markdown (licences are kept). */
const DEV_ONLY_FILE = /(\.d\.[cm]?ts|\.map|\.md|\.markdown)$/i;

const readPackage = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;

/** Node's lookup: the nearest node_modules/<name> walking up from `fromDir`, stopping at the repository root. */
function resolvePackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === repoRoot || dirname(dir) === dir) return undefined;
  }
}

/** Where a resolved package goes in the artifact: its path below the first node_modules, so nesting is kept. */
function targetOf(sourceDir: string): string {
  const rel = relative(repoRoot, sourceDir).split(sep);
  const first = rel.indexOf("node_modules");
  return join(stagingDir, ...rel.slice(first));
}

/** Every package reachable from the token API's dependencies (and installed peers), with its place in the artifact. */
function productionClosure(): Map<string, string> {
  const placed = new Map<string, string>(); // source dir -> target dir
  const claimedTargets = new Map<string, string>(); // target dir -> source dir
  const queue: Array<{ name: string; from: string; parentTarget: string; optional: boolean }> = [];
  const enqueue = (pkgDir: string, parentTarget: string) => {
    const pkg = readPackage(pkgDir);
    for (const name of Object.keys(pkg.dependencies ?? {})) queue.push({ name, from: pkgDir, parentTarget, optional: false });
    for (const name of Object.keys({ ...pkg.optionalDependencies, ...pkg.peerDependencies }))
      queue.push({ name, from: pkgDir, parentTarget, optional: true });
  };
  enqueue(packageDir, stagingDir);
  while (queue.length > 0) {
    const { name, from, parentTarget, optional } = queue.shift()!;
    const source = resolvePackageDir(name, from);
    if (!source) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${relative(repoRoot, from) || "."}) is not installed: run npm install`);
    }
    if (placed.has(source)) continue;
    let target = targetOf(source);
    // The workspace's own node_modules is hoisted to the top; a clash with a root copy nests that copy under its dependent.
    if (target.startsWith(join(stagingDir, "node_modules")) && relative(packageDir, source).startsWith("node_modules")) {
      target = join(stagingDir, relative(packageDir, source));
    }
    const owner = claimedTargets.get(target);
    if (owner && owner !== source) target = join(parentTarget, "node_modules", name);
    placed.set(source, target);
    claimedTargets.set(target, source);
    enqueue(source, target);
  }
  return placed;
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? sizeOf(path) : statSync(path).size;
  }
  return total;
}

/** The esbuild target: the Node major App Service runs the package on (TokenApiHost `linuxFxVersion` NODE|22-lts). */
const BUILD_TARGET = "node22";

/**
 * Compiles every .ts file under src/ one by one into `outdir`, keeping the folders (src/conversations/ becomes app/conversations/),
 * as the package ships them (app/*.js; packages resolved from node_modules).
 */
export async function compileApp(outdir: string): Promise<void> {
  const src = join(packageDir, "src");
  const sources = readdirSync(src, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(src, file));
  await build({
    entryPoints: sources,
    outbase: src,
    outdir,
    platform: "node",
    target: BUILD_TARGET,
    format: "cjs",
    sourcemap: true,
    bundle: false,
    // server.ts loads the app with import() after telemetry is on; as CommonJS that must be a require() (esbuild
    // writes `Promise.resolve().then(() => require(...))`), or Node's ESM loader looks for "./app" without ".js".
    supported: { "dynamic-import": false },
    logLevel: "warning",
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(stagingDir, { recursive: true });
  await compileApp(join(stagingDir, "app"));

  const closure = productionClosure();
  for (const [source, target] of closure) {
    // Nested node_modules are placed separately (only the packages in the closure).
    cpSync(source, target, {
      recursive: true,
      dereference: true,
      filter: (path) => !relative(source, path).split(sep).includes("node_modules") && !DEV_ONLY_FILE.test(path),
    });
  }
  const own = readPackage(packageDir);
  writeFileSync(
    join(stagingDir, "package.json"),
    JSON.stringify(
      {
        name: own.name,
        version: own.version,
        private: true,
        main: "app/server.js",
        engines: { node: ">=22" },
        scripts: { start: "node app/server.js" },
        dependencies: own.dependencies,
      },
      null,
      2,
    ),
  );
  const entries = await createZip(stagingDir, zipPath);
  const zipSize = statSync(zipPath).size;
  process.stdout.write(
    `${JSON.stringify({ artifact: relative(repoRoot, zipPath), packages: closure.size, files: entries, unpackedBytes: sizeOf(stagingDir), zipBytes: zipSize, seconds: (Date.now() - started) / 1000 })}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`build failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
