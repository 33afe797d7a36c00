// `npm run dev`: starts Azurite, the ACS emulator, a local OIDC issuer and the token API, and prints how to reach them as one JSON line.
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startLocalEnvironment } from "./index";

const HELP = `Usage: npm run dev -- [options]

Starts, wired together and all on 127.0.0.1:
  - Azurite (table service) holding the app-user -> ACS identity mapping,
  - the ACS emulator (HTTPS with its own CA; identity, chat, Key Vault, ARM),
  - a local OIDC issuer with a JWKS, for test users,
  - the token API (key-vault mode: it reads the connection string from the emulator's vault),
  - email and events as Pulumi.dev.yaml configures them: the emulator's email domains and senders, and Azurite
    queue + blob services with one queue per event subscription and the dead-letter container
    (env.json "email" and "events" name them).
Prints one JSON line { tokenApiUrl, acsEndpoint, connectionString, caCertPath, oidcIssuer, oidcAudience,
jwtCommand } and writes the same (plus more) to <data-dir>/env.json. Ctrl-C stops everything.

Options:
  --data-dir DIR     where state lives (default .local-dev; delete it for a clean start)
  --port N           token API port (default: any free port)
  --mode MODE        key-vault (default) or managed-identity
  --help             this text

Then:
  JWT=$(npm run -s dev:jwt -- --sub alice | tail -n 1)
  curl -s -X POST -H "Authorization: Bearer $JWT" <tokenApiUrl>/api/token

Exit codes: 0 stopped by a signal, 1 failed to start, 2 bad arguments.`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        "data-dir": { type: "string", default: ".local-dev" },
        port: { type: "string" },
        mode: { type: "string", default: "key-vault" },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (args.mode !== "key-vault" && args.mode !== "managed-identity") {
    process.stderr.write(`--mode must be key-vault or managed-identity, not "${args.mode}"\n`);
    process.exit(2);
  }
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, not "${args.port}"\n`);
    process.exit(2);
  }
  const dataDir = resolve(args["data-dir"]!);
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, "token-api.log");
  process.stderr.write(`starting Azurite, the ACS emulator, the OIDC issuer and the token API (state in ${dataDir}) ...\n`);
  const env = await startLocalEnvironment({
    dataDir,
    acsAuthMode: args.mode,
    tokenApiPort: port,
    logStream: createWriteStream(logFile, { flags: "a" }),
    // Re-read the vault every 15 s (Azure default: 300 s) so a local `npm run rotate-keys -- --local` finishes
    // its wait-for-token-api step in seconds rather than minutes.
    tokenApiEnv: { SECRET_REFRESH_SECONDS: "15" },
  });
  const summary = {
    tokenApiUrl: env.tokenApiUrl,
    acsEndpoint: env.emulator.endpoint,
    connectionString: env.emulator.connectionString,
    caCertPath: env.emulator.caCertPath,
    oidcIssuer: env.oidc.issuer,
    oidcAudience: env.oidc.audience,
    jwtCommand: "npm run dev:jwt -- --sub alice",
  };
  writeFileSync(
    join(dataDir, "env.json"),
    JSON.stringify(
      {
        ...summary,
        oidcKeyFile: env.oidc.keyFile,
        oidcScope: "acs.token",
        keyVaultUrl: env.emulator.keyVaultUrl,
        armBaseUrl: env.emulator.armBaseUrl,
        adminUrl: env.emulator.adminUrl,
        mappingTableConnectionString: env.azurite.connectionString,
        events: env.events,
        email: env.email,
        tokenApiLog: logFile,
        pid: process.pid,
      },
      null,
      2,
    ),
  );
  process.stderr.write(`ready; token API logs in ${logFile}; Ctrl-C to stop\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping ...\n`);
    await env.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run dev failed: ${(error as Error).message}\n`);
  process.exit(1);
});
