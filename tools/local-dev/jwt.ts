// `npm run dev:jwt -- --sub alice` (an end user) or `--sub my-backend --role conversations.manage` (a service caller): mints a caller JWT for the local OIDC issuer of a running `npm run dev`, printed alone on the last line.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ExitCode, main, UsageError, type CommandSpec } from "../cli-kit";
import { TOKEN_API_DEFAULTS } from "../../services/token-api/src/settings";
import type { StoredSigningKey } from "./oidcIssuer";
import { ENV_FILE_NAME, missingEnvFileReason, notRunningReason } from "./env-file";
import { DEFAULT_MANAGE_ROLE } from "../../services/token-api/src/conversations/limits";

/** oidcIssuer's LOCAL_SCOPE, read from the settings so --help does not load oidcIssuer (and jose). */
const LOCAL_SCOPE = TOKEN_API_DEFAULTS.requiredScope;

const help = `Usage: npm run dev:jwt -- --sub SUBJECT [options]

Mints an RS256 access token from the local OIDC issuer started by \`npm run dev\` (read from
<data-dir>/env.json). The token is printed alone on the last line of stdout, so:
  JWT=$(npm run -s dev:jwt -- --sub alice | tail -n 1)

Options:
  --sub SUBJECT      the app user (required); one ACS identity per subject
  --scope SCOPE      value of the scp claim (default ${LOCAL_SCOPE}, the scope the token API requires)
  --role ROLE        an app role in the roles claim (repeatable); with --role and no --scope the token has
                     no scp, like an Entra client-credentials token of a service caller, e.g.
                     --sub order-backend --role ${DEFAULT_MANAGE_ROLE}
  --ttl SECONDS      lifetime (default 3600)
  --aud AUDIENCE     override the audience (to see a 401)
  --data-dir DIR     where npm run dev keeps its state (default .local-dev)
  -h, --help         this text

Exit codes: 0 printed, 2 bad arguments or no running environment (one line says which).`;

const options = {
  sub: { type: "string" },
  scope: { type: "string" },
  role: { type: "string", multiple: true },
  ttl: { type: "string", default: "3600" },
  aud: { type: "string" },
  "data-dir": { type: "string", default: ".local-dev" },
} as const;

export const devJwtCommand: CommandSpec<typeof options> = {
  help,
  options,
  async run(args) {
    if (!args.sub) throw new UsageError("--sub is required");
    const ttl = Number(args.ttl);
    if (!Number.isInteger(ttl) || ttl <= 0) throw new UsageError(`--ttl must be a positive whole number of seconds, got "${args.ttl}"`);
    const envFile = join(resolve(args["data-dir"]), ENV_FILE_NAME);
    // A token for an environment that is not running would only fail later, at the token API: say so now.
    if (!existsSync(envFile)) throw new UsageError(missingEnvFileReason(envFile));
    const env = JSON.parse(readFileSync(envFile, "utf8")) as { oidcIssuer: string; oidcAudience: string; oidcKeyFile: string };
    const notRunning = notRunningReason(envFile, env);
    if (notRunning) throw new UsageError(notRunning);
    const key = JSON.parse(readFileSync(env.oidcKeyFile, "utf8")) as StoredSigningKey;
    const { mintLocalToken } = await import("./oidcIssuer");
    const jwt = await mintLocalToken(key, env.oidcIssuer, args.aud ?? env.oidcAudience, args.sub, {
      ttlSeconds: ttl,
      // A service caller (--role only) carries roles and no scp; an end user carries the scope (and any roles given).
      claims: {
        scp: args.scope ?? (args.role?.length ? undefined : LOCAL_SCOPE),
        ...(args.role?.length ? { roles: args.role } : {}),
      },
    });
    process.stdout.write(`${jwt}\n`);
    return ExitCode.ok;
  },
};

if (require.main === module) main(devJwtCommand);
