// `npm run dev`: starts Azurite, the ACS emulator, a local OIDC issuer and N token API processes behind a round-robin entry point.
import { createWriteStream, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ExitCode, UsageError, main, type CommandSpec } from "../cli-kit";
import { DEFAULT_INSTANCES } from "./instances";
import { ENV_FILE_NAME, claimDataDir } from "./env-file";

const repoRoot = resolve(__dirname, "..", "..");

const HELP = `Usage: npm run dev -- [options]

Starts, wired together and all on 127.0.0.1:
  - Azurite (table service) holding the app-user -> ACS identity mapping,
  - the ACS emulator (HTTPS with its own CA; identity, chat, Key Vault, ARM),
  - a local OIDC issuer with a JWKS, for test users,
  - N token API processes (key-vault mode: they read the connection string from the emulator's vault), with
    the same lifetimes and rate limits a deployed environment uses, behind a round-robin entry point,
  - email, events and the browser origins the token API allows as the stack file configures them: the emulator's email domains and senders, and Azurite
    queue + blob services with one queue per event subscription and the dead-letter container
    (env.json "email" and "events" name them).
Prints one JSON line { tokenApiUrl, tokenApiInstances, acsEndpoint, connectionString, caCertPath, oidcIssuer,
oidcAudience, jwtCommand } and writes the same (plus more, and its PID) to <data-dir>/env.json. Ctrl-C stops
everything and removes env.json; Azurite is stopped the graceful way so acknowledged mappings are saved. A second
npm run dev on a data directory that a running one holds is refused.

Options:
  --instances N      token API processes (default ${DEFAULT_INSTANCES}, as in prod; 1..16)
  --data-dir DIR     where state lives (default .local-dev; delete it for a clean start)
  --port N           entry-point port (default: any free port)
  --mode MODE        key-vault (default) or managed-identity
  --stack NAME       follow Pulumi.NAME.yaml (default dev): email domains and senders, event routing, CORS origins
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
  stack: { type: "string" },
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
    const stack = args.stack ?? "dev";
    const stackFile = join(repoRoot, `Pulumi.${stack}.yaml`);
    if (!/^[\w.-]+$/.test(stack) || !existsSync(stackFile)) {
      const available = readdirSync(repoRoot)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined);
      throw new UsageError(`--stack ${stack}: no Pulumi.${stack}.yaml (stacks here: ${available.join(", ")})`);
    }
    const dataDir = resolve(args["data-dir"] ?? ".local-dev");
    mkdirSync(dataDir, { recursive: true });
    let release: () => void;
    try {
      release = claimDataDir(dataDir);
    } catch (error) {
      process.stderr.write(`npm run dev refused: ${(error as Error).message}\n`);
      return ExitCode.failed;
    }
    // Every way out of this process removes env.json and the owner file (a SIGKILL cannot: readers check the PID).
    process.on("exit", release);
    const logFile = join(dataDir, "token-api.log");
    process.stderr.write(
      `starting Azurite, the ACS emulator, the OIDC issuer and ${instances} token API processes for stack ${stack} (state in ${dataDir}) ...\n`,
    );
    // Signals are handled from here on, also while starting: node's default would end this process at once and
    // leave every child it started running. A signal during the start stops what started once the start settles.
    let signalled: string | undefined;
    let stopRunning: ((signal: string) => void) | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) return;
      signalled = signal;
      stopRunning?.(signal);
    };
    // SIGHUP: a closed terminal.
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);

    const { localEnvDocument, startLocalEnvironment } = await import("./index");
    let env;
    try {
      env = await startLocalEnvironment({
        dataDir,
        acsAuthMode: mode,
        stackFile,
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
      release();
      return ExitCode.failed;
    }
    const running = env;
    const stopped = new Promise<number>((resolveExit) => {
      let stopping = false;
      stopRunning = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`${signal}: stopping ...\n`);
        // First, so no reader finds a file describing processes that are going away.
        release();
        await running.stop();
        resolveExit(ExitCode.ok);
        // Nothing should be left, but a stray handle must not keep `npm run dev` alive after Ctrl-C.
        setTimeout(() => process.exit(ExitCode.ok), 100).unref();
      };
    });
    if (signalled) {
      stopRunning!(signalled);
      return stopped;
    }

    const document = localEnvDocument(env);
    const { tokenApiUrl, tokenApiInstances, acsEndpoint, connectionString, caCertPath, oidcIssuer, oidcAudience, jwtCommand } = document;
    const summary = { tokenApiUrl, tokenApiInstances, acsEndpoint, connectionString, caCertPath, oidcIssuer, oidcAudience, jwtCommand };
    writeFileSync(join(dataDir, ENV_FILE_NAME), JSON.stringify({ ...document, stack, tokenApiLog: logFile, pid: process.pid }, null, 2));
    if (env.oidc.previousIssuer) {
      process.stderr.write(
        `warning: the OIDC issuer's port from the last start (${env.oidc.previousIssuer}) is taken; it now runs at ${env.oidc.issuer}, so users mapped before get new ACS identities\n`,
      );
    }
    process.stderr.write(`ready; token API logs in ${logFile}; Ctrl-C to stop\n`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return stopped;
  },
};

main(spec);
