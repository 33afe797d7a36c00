// `npm run bench:emulator`: issueAccessToken requests/s against an emulator process, median of several runs.
import { spawn } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import autocannon from "autocannon";
import type { EmulatorInfo } from "./index";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "5" }, seconds: { type: "string", default: "3" }, connections: { type: "string", default: "10" }, json: { type: "boolean" } },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const connections = Number(values.connections);

const median = (numbers: number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Pre-signs one issueAccessToken request; the signature stays valid for the emulator's 15-minute skew window. */
function signedRequest(info: EmulatorInfo, key: string, userId: string): { path: string; headers: Record<string, string>; body: string } {
  const path = `/identities/${encodeURIComponent(userId)}/:issueAccessToken?api-version=2023-10-01`;
  const body = JSON.stringify({ scopes: ["chat"], expiresInMinutes: 60 });
  const url = new URL(path, info.endpoint);
  const date = new Date().toUTCString();
  const hash = createHash("sha256").update(body).digest("base64");
  const stringToSign = `POST\n${url.pathname}?${url.searchParams.toString()}\n${date};${url.host};${hash}`;
  const signature = createHmac("sha256", Buffer.from(key, "base64")).update(stringToSign).digest("base64");
  return {
    path, body,
    headers: { "content-type": "application/json", "x-ms-date": date, "x-ms-content-sha256": hash, authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}` },
  };
}

async function sdkRate(client: CommunicationIdentityClient, user: { communicationUserId: string }): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < deadline) {
      await client.getToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
      done++;
    }
  }));
  return done / seconds;
}

async function main(): Promise<void> {
  const key = randomBytes(64).toString("base64");
  const child = spawn(process.execPath, ["--import", "tsx", resolve(__dirname, "cli.ts"), "--primary-key", key], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolveLine) => createInterface({ input: child.stdout }).once("line", resolveLine));
  const info = JSON.parse(line) as EmulatorInfo;
  try {
    const client = new CommunicationIdentityClient(info.connectionString, { tlsOptions: { ca: readFileSync(info.caCertPath, "utf8") } });
    const user = await client.createUser();
    const request = signedRequest(info, key, user.communicationUserId);
    const target = { url: info.endpoint.replace(/\/$/, ""), connections, requests: [{ method: "POST" as const, path: request.path, headers: request.headers, body: request.body }] };
    // A discarded warm-up run, so JIT compilation and TLS session set-up do not land in the first measurement.
    await autocannon({ ...target, duration: 1 });
    const raw: number[] = [];
    const sdk: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const result = await autocannon({ ...target, duration: seconds });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`run ${run}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
      raw.push(result.requests.average);
      sdk.push(await sdkRate(client, user));
      if (!values.json) process.stdout.write(`run ${run}: raw HTTP ${result.requests.average.toFixed(0)} req/s, SDK getToken ${sdk[sdk.length - 1]?.toFixed(0)} req/s\n`);
    }
    const summary = { operation: "issueAccessToken", runs, secondsPerRun: seconds, connections, medianRawRequestsPerSecond: Math.round(median(raw)), medianSdkRequestsPerSecond: Math.round(median(sdk)) };
    process.stdout.write(values.json ? `${JSON.stringify(summary)}\n`
      : `median over ${runs} runs (${connections} connections, ${seconds}s each): raw HTTP ${summary.medianRawRequestsPerSecond} req/s; SDK getToken ${summary.medianSdkRequestsPerSecond} req/s\n`);
  } finally {
    child.kill("SIGTERM");
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
