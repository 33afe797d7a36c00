// `npm run emulator`: starts the ACS emulator, prints one JSON line with its endpoints, exits on SIGINT/SIGTERM.
import { main, UsageError, type CommandSpec } from "../cli-kit";
import { EmulatorError } from "./errors";
import { parseFaultFlag, type FaultSpec } from "./faults";

const help = `Usage: npm run emulator -- [options]

Starts a local HTTPS emulator of Azure Communication Services (identity, chat), the ARM keys API,
Key Vault secrets and Log Analytics query, then prints one JSON line:
  {"endpoint","connectionString","caCertPath","caCertPem","armBaseUrl","keyVaultUrl","logAnalyticsUrl",
   "adminUrl","subscriptionId","resourceGroupName","serviceName","workspaceId","devBearerToken",
   "emailServiceName","emailSenderAddresses"}

Options:
  --port N              HTTPS port (default 0 = any free port)
  --data-dir DIR        persist state and the TLS certificate in DIR (default: in memory)
  --primary-key B64     fixed primary access key (base64)
  --secondary-key B64   fixed secondary access key (base64)
  --stack NAME          email services, domains, senders and linked domains from Pulumi.NAME.yaml
                        (default: one Azure-managed domain with sender DoNotReply, linked)
  --fault SPEC          a fault active from the start, repeatable, e.g.
                        --fault operation=issueAccessToken,status=429,retryAfterSeconds=2,count=3
  --acs-limits          enforce the documented ACS identity and chat rate limits (Learn "Service limits"):
                        e.g. 50 thread reads per user per 10 s; over a limit: 429 TooManyRequests + Retry-After
  -h, --help            this text

Trust the certificate with NODE_EXTRA_CA_CERTS=<caCertPath> or the client option tlsOptions: { ca }.
See docs/emulator.md.

Exit codes: 0 stopped by SIGINT/SIGTERM; 1 could not start; 2 bad arguments.`;

const options = {
  port: { type: "string" },
  "data-dir": { type: "string" },
  "primary-key": { type: "string" },
  "secondary-key": { type: "string" },
  stack: { type: "string" },
  fault: { type: "string", multiple: true },
  "acs-limits": { type: "boolean" },
} as const;

export const emulatorCommand: CommandSpec<typeof options> = {
  help,
  options,
  async run(values) {
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError("--port must be an integer from 0 to 65535");
    for (const [flag, key] of [
      ["--primary-key", values["primary-key"]],
      ["--secondary-key", values["secondary-key"]],
    ] as const) {
      if (key !== undefined && (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, "base64").length < 16)) {
        throw new UsageError(`${flag} must be base64 of at least 16 bytes`);
      }
    }
    let faults: FaultSpec[];
    try {
      faults = (values.fault ?? []).map(parseFaultFlag);
    } catch (error) {
      throw new UsageError(`--fault: ${error instanceof EmulatorError ? error.message : String(error)}`);
    }
    let email;
    if (values.stack !== undefined) {
      const { emailSeedFromStack } = await import("./stack-seed");
      try {
        email = emailSeedFromStack(values.stack);
      } catch (error) {
        throw new UsageError(`--stack ${values.stack}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    const { startEmulator } = await import("./index");
    const emulator = await startEmulator({
      port,
      dataDir: values["data-dir"],
      primaryKey: values["primary-key"],
      secondaryKey: values["secondary-key"],
      faults,
      email,
      acsLimits: values["acs-limits"] === true,
    });
    const { close: _close, currentConnectionString: _current, eventGrid: _eventGrid, ...info } = emulator;
    process.stdout.write(`${JSON.stringify(info)}\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    await emulator.close();
    return 0;
  },
};

if (require.main === module) main(emulatorCommand);
