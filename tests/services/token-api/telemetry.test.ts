// Telemetry from the token API as it ships: the zip `npm run build` writes, unpacked outside the repository (no
// node_modules to fall back on) and started as App Service starts it (`node <main>` of its package.json), reaches a
// local stand-in for the Application Insights ingestion endpoint: requests, dependencies and exceptions.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:https";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackage } from "../../../services/token-api/scripts/build";
import { CODE_CACHE_DIR } from "../../../services/token-api/src/codeCache";
import { readZip } from "../../../services/token-api/scripts/zip";
import { loadOrCreateCertificate } from "../../../tools/acs-emulator/certificate";
import { startAzuriteTables, type AzuriteTables } from "../../../tools/local-dev/azurite";

interface BaseData {
  name?: string;
  responseCode?: string;
  resultCode?: string;
  target?: string;
  type?: string;
  data?: string;
  exceptions?: Array<{ typeName?: string; message?: string; stack?: string }>;
}
interface Envelope {
  name: string;
  iKey?: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: BaseData };
}

const loopbackOnly = resolve(__dirname, "..", "..", "support", "loopback-only.cjs");
const IKEY = "11111111-2222-3333-4444-555555555555";
const ACS_USER = "8:acs:00000000-0000-0000-0000-000000000001_telemetry";
const envelopes: Envelope[] = [];
let ingestion: Server;
let azurite: AzuriteTables | undefined;
let work: string;
let child: ChildProcess | undefined;
let stderr = "";
let stdout = "";
let packageJson: { main?: string; scripts?: Record<string, string> };
let zipNames: string[] = [];
let tokenStatus: number | undefined;
let tokenBody: unknown;

/**
 * One HTTPS stand-in on loopback for everything the API calls out to but Table Storage (Azurite): the ingestion
 * endpoint (`/v2.1/track`, gzip'd JSON envelopes, acknowledged as the Breeze API does) and live metrics, the issuer's
 * key set, and the ACS identity API, which answers a token without a usable expiry (`expiresOn: "soon"`): an
 * upstream answer no handler expects, so the token request ends in a 500 and an exception.
 */
async function startStandIn(jwks: object): Promise<{ port: number; caCertPath: string }> {
  const certificate = await loadOrCreateCertificate(join(work, "tls"));
  ingestion = createServer({ key: certificate.serverKeyPem, cert: certificate.serverCertPem }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = (request.url ?? "").split("?")[0]!;
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (path === "/v2.1/track") {
        let body = Buffer.concat(chunks);
        if (request.headers["content-encoding"] === "gzip") body = gunzipSync(body);
        const parsed = JSON.parse(body.toString("utf8")) as Envelope[] | Envelope;
        envelopes.push(...(Array.isArray(parsed) ? parsed : [parsed]));
        return json(200, { itemsReceived: 1, itemsAccepted: 1, errors: [] });
      }
      if (path === "/keys") return json(200, jwks);
      if (request.method === "POST" && path === "/identities") return json(201, { identity: { id: ACS_USER } });
      if (request.method === "POST" && path === `/identities/${encodeURIComponent(ACS_USER)}/:issueAccessToken`)
        return json(200, { token: "not-a-real-token", expiresOn: "soon" });
      return json(404, { error: { code: "NotFound", message: "not here" } });
    });
  });
  await new Promise<void>((resolvePromise) => ingestion.listen(0, "127.0.0.1", resolvePromise));
  return { port: (ingestion.address() as { port: number }).port, caCertPath: certificate.caCertPath };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "token-api-telemetry-"));
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "telemetry-test", alg: "RS256", use: "sig" };
  const { port, caCertPath } = await startStandIn({ keys: [jwk] });
  azurite = await startAzuriteTables(join(work, "azurite"));

  // The deployable as shipped: built, zipped, and unpacked from the zip alone.
  const built = await buildPackage(join(work, "dist"));
  const site = join(work, "wwwroot");
  const entries = readZip(built.zipPath);
  zipNames = entries.map((entry) => entry.name);
  for (const entry of entries) {
    mkdirSync(dirname(join(site, entry.name)), { recursive: true });
    writeFileSync(join(site, entry.name), entry.data);
  }
  packageJson = JSON.parse(readFileSync(join(site, "package.json"), "utf8")) as typeof packageJson;
  const issuer = `https://127.0.0.1:${port}/`;
  // App Service's start-up (Oryx) for a package.json without `scripts.start`: `node <main>` in the site's folder.
  mkdirSync(join(work, "tmp"));
  const spawned = spawn(process.execPath, [packageJson.main ?? "missing-main"], {
    cwd: site,
    env: {
      PATH: process.env.PATH,
      // os.tmpdir(): where the package's entry puts Node's compile cache (and the exporter its offline store).
      TMPDIR: join(work, "tmp"),
      // The stand-in's certificate authority; the guard refuses (and reports) any connection beyond loopback.
      NODE_EXTRA_CA_CERTS: caCertPath,
      NODE_OPTIONS: `--require ${loopbackOnly}`,
      // LiveEndpoint: live metrics (on by default) would ping rt.services.visualstudio.com.
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=${issuer};LiveEndpoint=${issuer}`,
      ACS_AUTH_MODE: "managed-identity",
      ACS_ENDPOINT: issuer,
      AZURE_STATIC_BEARER_TOKEN: "telemetry-test",
      OIDC_ISSUER: issuer,
      OIDC_JWKS_URI: `${issuer}keys`,
      OIDC_AUDIENCE: "api://telemetry-test",
      // A connection string (Azurite's development key), not an endpoint: with an endpoint the store would take
      // DefaultAzureCredential, whose managed-identity probe calls 169.254.169.254.
      MAPPING_TABLE_CONNECTION_STRING: azurite.connectionString,
      PORT: "0",
      LOG_LEVEL: "info",
      // Statsbeat asks the Azure instance metadata service (169.254.169.254) where it runs.
      // @azure/monitor-opentelemetry-exporter turns statsbeat off for APPLICATION_INSIGHTS_NO_STATSBEAT (export/base.js
      // trackStatsbeat) and its non-essential part for APPLICATIONINSIGHTS_STATSBEAT_DISABLED.
      APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED: "true",
      // Every trace: the distro's default sampler keeps about 5 traces a second, judged by the time between spans, so
      // requests in quick succession are dropped at random. @azure/monitor-opentelemetry reads the standard
      // OpenTelemetry variable (@azure/monitor-opentelemetry/dist/commonjs/shared/envConfig.js); production keeps the default.
      OTEL_TRACES_SAMPLER: "always_on",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = spawned;
  spawned.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const apiPort = await new Promise<number>((resolvePromise, reject) => {
    let out = "";
    spawned.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      stdout += chunk.toString();
      const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(out);
      if (match) resolvePromise(Number(match[1]));
    });
    spawned.once("exit", (code) => reject(new Error(`the token API exited with ${code}: ${stderr.slice(-2000)}`)));
  });
  const base = `http://127.0.0.1:${apiPort}`;
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  // Readiness probes the store (Azurite, over http) and ACS (the stand-in, over https): outgoing dependencies.
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  const jwt = await new SignJWT({ scp: "acs.token" })
    .setProtectedHeader({ alg: "RS256", kid: "telemetry-test" })
    .setIssuer(issuer)
    .setAudience("api://telemetry-test")
    .setSubject("telemetry-user")
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(privateKey);
  const token = await fetch(`${base}/api/token`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
    body: "{}",
  });
  tokenStatus = token.status;
  tokenBody = await token.json();
  // The exporter sends in batches: wait for the token request's envelope (an outcome, not a margin), then SIGTERM
  // (the server closes and shuts telemetry down, which exports the rest).
  const tokenSent = () =>
    envelopes.some((e) => e.name === "Microsoft.ApplicationInsights.Request" && e.data?.baseData?.name === "POST /api/token");
  for (let waited = 0; !tokenSent() && waited < 60_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
  await new Promise<void>((resolvePromise) => {
    spawned.once("exit", () => resolvePromise());
    spawned.kill("SIGTERM");
  });
  child = undefined;
}, 180_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await azurite?.stop();
  await new Promise<void>((resolvePromise) => (ingestion ? ingestion.close(() => resolvePromise()) : resolvePromise()));
  if (work) rmSync(work, { recursive: true, force: true });
});

const ofType = (name: string) => envelopes.filter((e) => e.name === `Microsoft.ApplicationInsights.${name}`).map((e) => e.data!.baseData!);

describe("the deployable as shipped", () => {
  it("is the bundle, its entry, the licences and a package.json App Service starts with `node server.js`", () => {
    expect(zipNames).toEqual(["THIRD-PARTY-NOTICES.txt", "package.json", "server.js", "token-api.js"]);
    expect(packageJson.main).toBe("server.js");
    // With a start script, App Service would run `npm start` instead.
    expect(packageJson.scripts).toBeUndefined();
  });

  it("writes the bundle's code cache under the temp directory once listening, named by the bundle's content", () => {
    // Written after "listening" (src/codeCache.ts), not at exit: the process still runs. One file, this Node's.
    const dir = join(work, "tmp", CODE_CACHE_DIR);
    const hash = createHash("sha256")
      .update(readFileSync(join(work, "wwwroot", "token-api.js")))
      .digest("hex")
      .slice(0, 16);
    expect(readdirSync(dir)).toEqual([`${hash}-${process.version}-${process.arch}.bin`]);
    expect(statSync(join(dir, readdirSync(dir)[0]!)).mode & 0o777).toBe(0o600);
  });
});

describe("telemetry from the deployable as shipped", () => {
  it("sends requests with their route and status", () => {
    const requests = ofType("Request").map((r) => [r.name, r.responseCode]);
    expect(requests).toContainEqual(["GET /healthz", "200"]);
    expect(requests).toContainEqual(["GET /readyz", "200"]);
    expect(requests).toContainEqual(["POST /api/token", "500"]);
  });

  it("sends the outgoing calls as HTTP dependencies: the store on Azurite and ACS on the stand-in", () => {
    const dependencies = ofType("RemoteDependency");
    const tableCall = dependencies.find((d) => d.type === "Http" && d.target === `127.0.0.1:${azurite!.port}`);
    expect(tableCall).toBeDefined();
    expect(tableCall!.data).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${azurite!.port}/devstoreaccount1/`));
    const port = (ingestion.address() as { port: number }).port;
    const acsCalls = dependencies.filter((d) => d.type === "Http" && d.target === `127.0.0.1:${port}` && /\/identities/.test(d.data ?? ""));
    expect(acsCalls.map((d) => [d.name, d.resultCode])).toContainEqual([
      `POST /identities/${encodeURIComponent(ACS_USER)}/:issueAccessToken`,
      "200",
    ]);
  });

  it("sends the handler's unexpected error as an exception with only what the log keeps, and answers the caller without internals", () => {
    expect([tokenStatus, tokenBody]).toEqual([500, { error: { code: "internal_error", message: "Unexpected error." } }]);
    const exceptions = ofType("Exception").flatMap((e) => e.exceptions ?? []);
    // The name (a RangeError has no code or status): neither the original message ("Invalid time value") nor a frame.
    expect(exceptions.map(({ typeName, message, stack }) => ({ typeName, message, stack }))).toEqual([
      { typeName: "RangeError", message: "no code", stack: "RangeError: no code" },
    ]);
    expect(JSON.stringify(envelopes)).not.toContain("Invalid time value");
  });

  it("uses the connection string's instrumentation key on every envelope", () => {
    expect(new Set(envelopes.map((e) => e.iKey))).toEqual(new Set([IKEY]));
  });

  it("starts without the distro's JSON config error (it looks for its file beside its own module, which a bundle has not)", () => {
    // The distro logs through the console (stdout).
    expect(stdout).toContain('"msg":"listening"');
    expect(stdout + stderr).not.toContain("JSON config");
  });

  it("tries nothing beyond loopback but the distro's Azure VM metadata probe", () => {
    // @opentelemetry/resource-detector-azure's azureVmDetector, which @azure/monitor-opentelemetry always runs
    // (@azure/monitor-opentelemetry/dist/commonjs/shared/config.js _initializeVmResourceAsync); the guard refused it.
    const refused = [...stderr.matchAll(/loopback-only: refused (\S+)/g)].map((m) => m[1]);
    expect(new Set(refused)).toEqual(new Set(["169.254.169.254:80"]));
  });
});
