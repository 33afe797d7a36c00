// `npm run example:web`: the web chat example's dev server on the dev stack's allowed origin, against a running `npm run dev`.
import { createServer } from "vite";
import { main, type CommandSpec } from "../../tools/cli-kit";
import { LOCAL_ENV_FILE, readLocalAppConfig, webChatOrigin } from "./site";
import { webChatViteConfig } from "./vite-config";

const help = `Usage: npm run example:web [-- --local-env FILE]

Serves the web chat example (examples/web-chat) with Vite on the origin the dev stack allows
(Pulumi.dev.yaml tokenApi.corsAllowedOrigins: http://localhost:5173), against the local environment
of \`npm run dev\` (start that first, in another terminal). Sign in on the local issuer's development-only
page, as alice, bob or carol. Ctrl-C stops it.

Options:
  --local-env FILE  the env.json of the local environment (default .local-dev/env.json)
  -h, --help        this text

Exit codes: 0 stopped; 1 could not start (the port is taken, the stack has no localhost origin).`;

const options = { "local-env": { type: "string" } } as const;

const command: CommandSpec<typeof options> = {
  help,
  options,
  async run(values) {
    const envFile = values["local-env"] ?? LOCAL_ENV_FILE;
    const origin = webChatOrigin();
    const server = await createServer(webChatViteConfig({ envFile, origin }));
    try {
      await server.listen();
    } catch (error) {
      // Vite's watcher and optimizer would keep the process alive after a failed listen.
      await server.close();
      throw new Error(
        `${(error as Error).message}: the app must be served on ${origin.origin}, the origin the stack allows (stop what holds the port)`,
      );
    }
    const local = readLocalAppConfig(envFile);
    process.stdout.write(`web chat: ${origin.href}\n`);
    if ("error" in local) process.stdout.write(`note: ${local.error} (the page says so until it runs)\n`);
    else
      process.stdout.write(
        `note: the page calls the emulator at ${local.config.acsEndpoint} over HTTPS with its own CA: open that address once and accept its certificate (examples/web-chat/README.md)\n`,
      );
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    await server.close();
    return 0;
  },
};

main(command);
