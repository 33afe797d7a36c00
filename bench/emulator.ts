// `npm run bench:emulator`: issueAccessToken requests/s against an emulator process through the identity SDK, beside raw HTTP as baseline; median of several runs.
import { spawn } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import { ExitCode, main, type CommandSpec } from "../tools/cli-kit";
import type { EmulatorInfo } from "../tools/acs-emulator/index";
import { parseCount, summarise, summaryLines, type Figure } from "./lib/report";

const help = `Usage: npm run bench:emulator -- [options]

Starts the ACS emulator (npm run emulator) in its own process and measures issueAccessToken for one user:
  measured   requests/s through the identity SDK (CommunicationIdentityClient.getToken, --connections in flight)
  baseline   requests/s of the same pre-signed HTTP request from autocannon (the emulator alone, no SDK cost)
Each run measures both, one after the other; a discarded warm-up run comes first.

Options:
  --runs N          runs (default 5)
  --seconds S       seconds per measurement (default 3)
  --connections N   concurrent requests (default 10)
  --json            print one JSON document instead of lines
  -h, --help        this text

Exit codes: 0 measured; 1 the emulator failed or answered an error; 2 bad arguments.`;

const options = {
  runs: { type: "string" },
  seconds: { type: "string" },
  connections: { type: "string" },
  json: { type: "boolean" },
} as const;

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
    path,
    body,
    headers: {
      "content-type": "application/json",
      "x-ms-date": date,
      "x-ms-content-sha256": hash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    },
  };
}

async function sdkRate(
  client: CommunicationIdentityClient,
  user: { communicationUserId: string },
  seconds: number,
  connections: number,
): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        await client.getToken(user, ["chat"], { tokenExpiresInMinutes: 60 });
        done++;
      }
    }),
  );
  return done / seconds;
}

export const emulatorBench: CommandSpec<typeof options> = {
  help,
  options,
  async run(values) {
    const runs = parseCount("runs", values.runs, 5, 100);
    const seconds = parseCount("seconds", values.seconds, 3, 600);
    const connections = parseCount("connections", values.connections, 10, 1000);
    const [{ CommunicationIdentityClient }, { default: autocannon }] = await Promise.all([
      import("@azure/communication-identity"),
      import("autocannon"),
    ]);
    const key = randomBytes(64).toString("base64");
    const cli = resolve(__dirname, "..", "tools", "acs-emulator", "cli.ts");
    const child = spawn(process.execPath, ["--import", "tsx", cli, "--primary-key", key], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const line = await new Promise<string>((resolveLine, reject) => {
        createInterface({ input: child.stdout }).once("line", resolveLine);
        child.once("exit", (code) => reject(new Error(`the emulator exited with ${String(code)} before it started`)));
      });
      const info = JSON.parse(line) as EmulatorInfo;
      const client = new CommunicationIdentityClient(info.connectionString, { tlsOptions: { ca: readFileSync(info.caCertPath, "utf8") } });
      const user = await client.createUser();
      const request = signedRequest(info, key, user.communicationUserId);
      const target = {
        url: info.endpoint.replace(/\/$/, ""),
        connections,
        requests: [{ method: "POST" as const, path: request.path, headers: request.headers, body: request.body }],
      };
      // A discarded warm-up, so JIT compilation and TLS session set-up do not land in the first measurement.
      await autocannon({ ...target, duration: 1 });
      await sdkRate(client, user, 1, connections);
      const figure: Figure = { name: "issueAccessToken via SDK", unit: "req/s", measured: [], baselineName: "raw HTTP", baseline: [] };
      for (let run = 1; run <= runs; run++) {
        const result = await autocannon({ ...target, duration: seconds });
        if (result.non2xx > 0 || result.errors > 0) {
          process.stderr.write(`error: run ${run}: ${result.non2xx} non-2xx answers and ${result.errors} errors\n`);
          return ExitCode.failed;
        }
        figure.baseline.push(result.requests.average);
        figure.measured.push(await sdkRate(client, user, seconds, connections));
        if (!values.json) {
          process.stdout.write(
            `run ${run}: SDK ${figure.measured.at(-1)!.toFixed(0)} req/s, raw HTTP ${result.requests.average.toFixed(0)} req/s\n`,
          );
        }
      }
      const settings = { runs, secondsPerRun: seconds, connections };
      if (values.json) process.stdout.write(`${JSON.stringify({ ...settings, figures: [summarise(figure)] })}\n`);
      else process.stdout.write(`${summaryLines(runs, [figure]).join("\n")}\n(${connections} connections, ${seconds} s per measurement)\n`);
      return ExitCode.ok;
    } finally {
      child.kill("SIGTERM");
    }
  },
};

if (require.main === module) main(emulatorBench);
