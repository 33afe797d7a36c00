// `npm run dev`: starts Azurite, the ACS emulator, a local OIDC issuer and N token API processes behind a round-robin entry point.
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ExitCode, UsageError, main, type CommandSpec } from "../cli-kit";
import { DEFAULT_INSTANCES } from "./instances";

const HELP = `Usage: npm run dev -- [options]

Starts, wired together and all on 127.0.0.1:
  - Azurite (table service) holding the app-user -> ACS identity mapping,
  - the ACS emulator (HTTPS with its own CA; identity, chat, Key Vault, ARM),
  - a local OIDC issuer with a JWKS, for test users,
  - N token API processes (key-vault mode: they read the connection string from the emulator's vault), with
    the same lifetimes and rate limits a deployed environment uses, behind a round-robin entry point,
  - email and events as Pulumi.dev.yaml configures them: the emulator's email domains and senders, and Azurite
    queue + blob services with one queue per event subscription and the dead-letter container
    (env.json "email" and "events" name them).
Prints one JSON line { tokenApiUrl, tokenApiInstances, acsEndpoint, connectionString, caCertPath, oidcIssuer,
oidcAudience, jwtCommand } and writes the same (plus more) to <data-dir>/env.json. Ctrl-C stops everything;
Azurite is stopped the graceful way so acknowledged mappings are saved.

Options:
  --instances N      token API processes (default ${DEFAULT_INSTANCES}, as in prod; 1..16)
  --data-dir DIR     where state lives (default .local-dev; delete it for a clean start)
  --port N           entry-point port (default: any free port)
  --mode MODE        key-vault (default) or managed-identity
  --acs-limits       the emulator enforces the documented ACS identity and chat rate limits (Learn "Service
                     limits"; e.g. 50 thread reads per user per 10 s): over one, 429 TooManyRequests + Retry-After
  -h, --help         this text

Then:
  JWT=$(npm run -s dev:jwt -- --sub alice | tail -n 1)
  curl -s -X POST -H "Authorization: Bearer $JWT" <tokenApiUrl>/api/token

Exit codes: 0 stopped by a signal, 1 failed to start, 2 bad arguments.`;

const options = {
  instances: { type: "string" },
  "data-dir": { type: "string" },
  port: { type: "string" },
  mode: { type: "string" },
  "acs-limits": { type: "boolean" },
} as const;

const spec: CommandSpec<typeof options> = {
  help: HELP,
  options,
  async run(args) {
    const mode = args.mode ?? "key-vault";
    if (mode !== "key-vault" && mode !== "managed-identity")
      throw new UsageError(`--mode must be key-vault or managed-identity, not "${mode}"`);
    const port = args.port === undefined ? 0 : Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${args.port}"`);
    const instances = args.instances === undefined ? DEFAULT_INSTANCES : Number(args.instances);
    if (!Number.isInteger(instances) || instances < 1 || instances > 16)
      throw new UsageError(`--instances must be 1..16, not "${args.instances}"`);
    const dataDir = resolve(args["data-dir"] ?? ".local-dev");
    mkdirSync(dataDir, { recursive: true });
    const logFile = join(dataDir, "token-api.log");
    process.stderr.write(
      `starting Azurite, the ACS emulator, the OIDC issuer and ${instances} token API processes (state in ${dataDir}) ...\n`,
    );
    const { localEnvDocument, startLocalEnvironment } = await import("./index");
    let env;
    try {
      env = await startLocalEnvironment({
        dataDir,
        acsAuthMode: mode,
        tokenApiPort: port,
        instances,
        acsLimits: args["acs-limits"] === true,
        logStream: createWriteStream(logFile, { flags: "a" }),
        // Re-read the vault every 15 s (Azure: 300 s) so a local `npm run rotate-keys -- --local` finishes its
        // wait-for-token-api step in seconds; lifetimes and rate limits stay the deployed defaults.
        tokenApiEnv: { SECRET_REFRESH_SECONDS: "15" },
      });
    } catch (error) {
      process.stderr.write(`npm run dev failed: ${(error as Error).message}\n`);
      return ExitCode.failed;
    }
    const document = localEnvDocument(env);
    const { tokenApiUrl, tokenApiInstances, acsEndpoint, connectionString, caCertPath, oidcIssuer, oidcAudience, jwtCommand } = document;
    const summary = { tokenApiUrl, tokenApiInstances, acsEndpoint, connectionString, caCertPath, oidcIssuer, oidcAudience, jwtCommand };
    writeFileSync(join(dataDir, "env.json"), JSON.stringify({ ...document, tokenApiLog: logFile, pid: process.pid }, null, 2));
    if (env.oidc.previousIssuer) {
      process.stderr.write(
        `warning: the OIDC issuer's port from the last start (${env.oidc.previousIssuer}) is taken; it now runs at ${env.oidc.issuer}, so users mapped before get new ACS identities\n`,
      );
    }
    process.stderr.write(`ready; token API logs in ${logFile}; Ctrl-C to stop\n`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);

    const running = env;
    return new Promise<number>((resolveExit) => {
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`${signal}: stopping ...\n`);
        await running.stop();
        resolveExit(ExitCode.ok);
        // Nothing should be left, but a stray handle must not keep `npm run dev` alive after Ctrl-C.
        setTimeout(() => process.exit(ExitCode.ok), 100).unref();
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
    });
  },
};

main(spec);
