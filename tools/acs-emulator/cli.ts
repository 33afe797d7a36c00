// `npm run emulator`: starts the ACS emulator, prints one JSON line with its endpoints, exits on SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import type { FaultSpec } from "./faults";
import { parseFaultFlag } from "./faults";
import { EmulatorError } from "./errors";
import { startEmulator } from "./index";

const HELP = `Usage: npm run emulator -- [options]

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
  --help                this text

Trust the certificate with NODE_EXTRA_CA_CERTS=<caCertPath> or the client option tlsOptions: { ca }.
See docs/emulator.md.`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" }, "data-dir": { type: "string" }, "primary-key": { type: "string" },
        "secondary-key": { type: "string" }, stack: { type: "string" }, fault: { type: "string", multiple: true }, help: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write("--port must be an integer from 0 to 65535\n");
    return 2;
  }
  for (const [flag, key] of [["--primary-key", values["primary-key"]], ["--secondary-key", values["secondary-key"]]] as const) {
    if (key !== undefined && (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, "base64").length < 16)) {
      process.stderr.write(`${flag} must be base64 of at least 16 bytes\n`);
      return 2;
    }
  }
  let faults: FaultSpec[];
  try {
    faults = (values.fault ?? []).map(parseFaultFlag);
  } catch (error) {
    process.stderr.write(`--fault: ${error instanceof EmulatorError ? error.message : String(error)}\n`);
    return 2;
  }
  let email;
  if (values.stack !== undefined) {
    try {
      const { emailSeedFromStack } = await import("./stack-seed");
      email = emailSeedFromStack(values.stack);
    } catch (error) {
      process.stderr.write(`--stack ${values.stack}: ${(error as Error).message.split("\n")[0]}\n`);
      return 2;
    }
  }
  const emulator = await startEmulator({
    port, dataDir: values["data-dir"], primaryKey: values["primary-key"], secondaryKey: values["secondary-key"], faults, email,
  });
  const { close: _close, currentConnectionString: _current, eventGrid: _eventGrid, ...info } = emulator;
  process.stdout.write(`${JSON.stringify(info)}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await emulator.close();
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`acs-emulator failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
