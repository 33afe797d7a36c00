// Telemetry from the shipped token API to an Application Insights that refuses the instrumentation key
// (`disableLocalAuth`, PSRule Azure.AppInsights.LocalAuth): with APPLICATIONINSIGHTS_AUTH_MODE=managed-identity the
// exporter sends every batch with a bearer token of the user-assigned identity AZURE_CLIENT_ID names, fetched from
// App Service's managed-identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER). Both are local stand-ins: the
// ingestion endpoint answers 401 without `Authorization: Bearer <token>` (as an Entra-only resource does), the identity
// endpoint checks what @azure/msal-node's App Service source sends (GET, api-version 2019-08-01, resource, client_id,
// X-IDENTITY-HEADER) and answers its response shape. Without the mode (the code before the fix) the same process
// sends the key alone and is refused. Nothing leaves loopback.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server } from "node:https";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleApp } from "../../../services/token-api/scripts/build";
import { loadOrCreateCertificate } from "../../../tools/acs-emulator/certificate";

const loopbackOnly = resolve(__dirname, "..", "..", "support", "loopback-only.cjs");
const CLIENT_ID = "8a3c1f5e-2b7d-4c9a-9e61-0f4d2a7b5c13";
const IDENTITY_HEADER = "identity-header-secret";
const ACCESS_TOKEN = "entra-token-for-monitor";
const IKEY = "11111111-2222-3333-4444-555555555555";

interface TrackPost {
  authorization: string | undefined;
  status: number;
  names: string[];
}
interface IdentityRequest {
  method: string | undefined;
  path: string;
  query: Record<string, string>;
  header: string | undefined;
}

const repoRoot = resolve(__dirname, "..", "..", "..");
let dir: string;
let appDir: string;
let ingestion: Server;
let ingestionPort: number;
let caCertPath: string;
let identity: HttpServer;
let identityPort: number;
const posts: TrackPost[] = [];
const identityRequests: IdentityRequest[] = [];
const children = new Set<ChildProcess>();

/** The ingestion stand-in: `/v2.1/track` accepts a batch only with the bearer token the identity stand-in issued. */
async function startIngestion(): Promise<void> {
  const certificate = await loadOrCreateCertificate(join(dir, "tls"));
  caCertPath = certificate.caCertPath;
  ingestion = createServer({ key: certificate.serverKeyPem, cert: certificate.serverCertPem }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url !== "/v2.1/track") {
        response.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (request.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      const parsed = JSON.parse(body.toString("utf8")) as Array<{ name: string }> | { name: string };
      const names = (Array.isArray(parsed) ? parsed : [parsed]).map((e) => e.name);
      const authorization = request.headers.authorization;
      const status = authorization === `Bearer ${ACCESS_TOKEN}` ? 200 : 401;
      posts.push({ authorization, status, names });
      response.writeHead(status, { "content-type": "application/json" });
      response.end(
        status === 200
          ? JSON.stringify({ itemsReceived: names.length, itemsAccepted: names.length, errors: [] })
          : JSON.stringify({
              itemsReceived: names.length,
              itemsAccepted: 0,
              errors: [{ index: 0, statusCode: 401, message: "unauthorized" }],
            }),
      );
    });
  });
  await new Promise<void>((r) => ingestion.listen(0, "127.0.0.1", r));
  ingestionPort = (ingestion.address() as { port: number }).port;
}

/** App Service's managed-identity endpoint, as msal-node's AppService source calls it. */
async function startIdentityEndpoint(): Promise<void> {
  identity = createHttpServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const header = request.headers["x-identity-header"];
    identityRequests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      header: typeof header === "string" ? header : undefined,
    });
    if (header !== IDENTITY_HEADER || url.searchParams.get("client_id") !== CLIENT_ID) {
      response.writeHead(400, { "content-type": "application/json" });
      response.end(JSON.stringify({ statusCode: 400, message: "unknown identity" }));
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        access_token: ACCESS_TOKEN,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: url.searchParams.get("resource"),
        token_type: "Bearer",
        client_id: CLIENT_ID,
      }),
    );
  });
  await new Promise<void>((r) => identity.listen(0, "127.0.0.1", r));
  identityPort = (identity.address() as { port: number }).port;
}

/**
 * Runs the shipped server with `extraEnv`, asks /healthz, waits until a batch reached the stand-in (an outcome,
 * not a margin), then stops it with SIGTERM. Returns the posts of this run.
 */
async function runApi(extraEnv: Record<string, string>): Promise<TrackPost[]> {
  const first = posts.length;
  const tmp = mkdtempSync(join(dir, "tmp-"));
  const child = spawn(process.execPath, [join(appDir, "server.js")], {
    env: {
      PATH: process.env.PATH ?? "",
      // The exporter's offline store lives under the temp directory: one per run, so no run re-sends another's.
      TMPDIR: tmp,
      NODE_EXTRA_CA_CERTS: caCertPath,
      // The guard refuses (and reports) any connection beyond loopback, as in telemetry.test.ts.
      NODE_OPTIONS: `--require ${loopbackOnly}`,
      // LiveEndpoint: live metrics (on by default) would ping global.livediagnostics.monitor.azure.com.
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=https://127.0.0.1:${ingestionPort}/;LiveEndpoint=https://127.0.0.1:${ingestionPort}/`,
      ACS_AUTH_MODE: "managed-identity",
      ACS_ENDPOINT: "https://127.0.0.1:9/",
      AZURE_STATIC_BEARER_TOKEN: "telemetry-test",
      OIDC_ISSUER: "https://127.0.0.1:9/",
      OIDC_JWKS_URI: "https://127.0.0.1:9/keys",
      OIDC_AUDIENCE: "api://telemetry-test",
      // A connection string, not an endpoint: the store takes no DefaultAzureCredential (whose probe calls IMDS).
      MAPPING_TABLE_CONNECTION_STRING:
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
      PORT: "0",
      LOG_LEVEL: "info",
      // Statsbeat asks the instance metadata service (169.254.169.254) where it runs; off, as in telemetry.test.ts.
      APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED: "true",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  try {
    const apiPort = await new Promise<number>((resolvePromise, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(out);
        if (match) resolvePromise(Number(match[1]));
      });
      child.once("exit", (code) => reject(new Error(`the token API exited with ${code}: ${out.slice(-500)}`)));
    });
    expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);
    // The exporter sends in batches every few seconds; a busy machine delays them.
    for (let waited = 0; posts.length === first && waited < 60_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
    await new Promise<void>((resolvePromise) => {
      child.once("exit", () => resolvePromise());
      child.kill("SIGTERM");
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    children.delete(child);
  }
  return posts.slice(first);
}

let withIdentity: TrackPost[];
let withKeyOnly: TrackPost[];

beforeAll(async () => {
  mkdirSync(join(repoRoot, ".cache"), { recursive: true });
  dir = mkdtempSync(join(repoRoot, ".cache", "telemetry-entra-test-"));
  appDir = join(dir, "app");
  await Promise.all([startIngestion(), startIdentityEndpoint(), bundleApp(appDir)]);
  withIdentity = await runApi({
    APPLICATIONINSIGHTS_AUTH_MODE: "managed-identity",
    AZURE_CLIENT_ID: CLIENT_ID,
    IDENTITY_ENDPOINT: `http://127.0.0.1:${identityPort}/msi/token`,
    IDENTITY_HEADER,
  });
  withKeyOnly = await runApi({});
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all([
    new Promise<void>((r) => (ingestion ? ingestion.close(() => r()) : r())),
    new Promise<void>((r) => (identity ? identity.close(() => r()) : r())),
  ]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("telemetry to an Application Insights with local authentication disabled", () => {
  it("managed-identity: every batch carries the identity's bearer token and is accepted, the request among them", () => {
    expect(withIdentity.length).toBeGreaterThan(0);
    expect(withIdentity.map((p) => [p.authorization, p.status])).toEqual(withIdentity.map(() => [`Bearer ${ACCESS_TOKEN}`, 200]));
    expect(withIdentity.flatMap((p) => p.names)).toContain("Microsoft.ApplicationInsights.Request");
  });

  it("managed-identity: the token comes from App Service's identity endpoint, for Azure Monitor, for AZURE_CLIENT_ID", () => {
    expect(identityRequests.length).toBeGreaterThan(0);
    expect(identityRequests[0]).toEqual({
      method: "GET",
      path: "/msi/token",
      query: { "api-version": "2019-08-01", resource: "https://monitor.azure.com", client_id: CLIENT_ID },
      header: IDENTITY_HEADER,
    });
  });

  it("instrumentation key alone (before the fix): the batch has no Authorization and the resource refuses it", () => {
    expect(withKeyOnly.length).toBeGreaterThan(0);
    expect(withKeyOnly.map((p) => [p.authorization, p.status])).toEqual(withKeyOnly.map(() => [undefined, 401]));
  });
});
