// `npm run adopt`: brings an existing ACS estate (created before the 2026-10-23 sign-up cut-off, say) under a stack:
// reads it through ARM, prints or writes the `acs-platform:communication.existing` block, says what the first
// `pulumi up` changes after the import, refuses what an import cannot take over, and saves a snapshot for
// `npm run plan -- --compare` (docs/lifecycle.md, "Adopt").
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError, main, type CommandSpec } from "../tools/cli-kit";

export const adoptHelp = `Usage: npm run adopt -- --stack NAME (--subscription ID --resource-group RG | --local) [options]

Reads the existing ACS resource, Email service, its domains and their senders in a resource group through ARM
(api-version 2026-03-18, read only) and prints the acs-platform:communication.existing block for Pulumi.<NAME>.yaml:
resource ids, data location, tags, identity, linked domains, each domain's management kind, engagement tracking and
verification states, the senders (not DoNotReply, which Azure creates). With that block the program declares those
resources with Pulumi's \`import\` option and their own names, so the first \`pulumi up\` imports them instead of
creating new ones. It lists what that \`up\` then changes (house tags, identity, diagnostics, locks), and refuses,
naming the property, what an import cannot take over (a data location the stack contradicts, a user-assigned
identity, a CustomerManagedInExchangeOnline domain).

Estate (exactly one):
  --subscription ID       Azure subscription id (credentials: DefaultAzureCredential, e.g. az login)
  --resource-group RG     the resource group holding the ACS resource and the Email service
  --local                 the local emulator's ARM surface (.local-dev/env.json of \`npm run dev\`)
  --local-env FILE        with --local: read FILE instead of .local-dev/env.json

Options:
  --stack NAME            the stack to adopt into (required): its Pulumi.<NAME>.yaml is checked and, with --write, updated
  --config-file FILE      the stack file (default: Pulumi.<NAME>.yaml in the current directory)
  --acs NAME              the communication service (default: the only one in the resource group)
  --email-service NAME    the email service (default: the one whose domains the ACS resource links, else the only one)
  --write                 write the block into the stack file (and remove acs-platform:email, which it replaces)
  --dry-run               with --write: show what would be written, change no file
  --snapshot FILE         where to save the snapshot (default: adopt-<NAME>.snapshot.json beside the stack file)
  --json                  print one JSON document
  -h, --help              show this help

Then: npm run plan -- --stack NAME --compare <snapshot> shows the adopted resources as \`import\` and what the first
\`up\` changes on them.

Roles (Azure): Reader on the resource group.

Exit codes: 0 block printed or written; 1 the estate cannot be adopted (each refused property named) or ARM failed;
2 bad arguments, no such resource, or several to choose from.
Example: npm run adopt -- --stack prod --subscription 00000000-0000-0000-0000-000000000000 --resource-group rg-comms --write`;

const options = {
  stack: { type: "string" },
  "config-file": { type: "string" },
  subscription: { type: "string" },
  "resource-group": { type: "string" },
  local: { type: "boolean" },
  "local-env": { type: "string" },
  acs: { type: "string" },
  "email-service": { type: "string" },
  write: { type: "boolean" },
  "dry-run": { type: "boolean" },
  snapshot: { type: "string" },
  json: { type: "boolean" },
} as const;

export const adoptSpec: CommandSpec<typeof options> = {
  help: adoptHelp,
  options,
  async run(args) {
    if (!args.stack) throw new UsageError("--stack NAME is required (the stack to adopt into)");
    const azure = args.subscription !== undefined || args["resource-group"] !== undefined;
    if (azure === (args.local === true)) throw new UsageError("give either --subscription and --resource-group, or --local");
    if (azure && (!args.subscription || !args["resource-group"])) throw new UsageError("--subscription and --resource-group go together");
    if (args["local-env"] !== undefined && !args.local) throw new UsageError("--local-env needs --local");
    if (args["dry-run"] && !args.write) throw new UsageError("--dry-run only applies to --write");
    const file = path.resolve(args["config-file"] ?? `Pulumi.${args.stack}.yaml`);
    if (!fs.existsSync(file)) throw new UsageError(`${file}: stack file not found (--config-file FILE)`);
    const { runAdopt } = await import("./lib/adopt-cli");
    return runAdopt({
      stack: args.stack,
      file,
      local: args.local === true,
      localEnv: args["local-env"],
      subscription: args.subscription,
      resourceGroup: args["resource-group"],
      acs: args.acs,
      emailService: args["email-service"],
      write: args.write === true,
      dryRun: args["dry-run"] === true,
      snapshot: path.resolve(args.snapshot ?? path.join(path.dirname(file), `adopt-${args.stack}.snapshot.json`)),
      json: args.json === true,
    });
  },
};

if (require.main === module) main(adoptSpec);
