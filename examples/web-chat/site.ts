// Where the web chat example is served and what it is told, for `npm run example:web`, its tests and its bench: the
// origin comes from the dev stack's allowed browser origins, the local config from a running `npm run dev`.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_STACK_FILE, readStackPlatformConfig } from "../../tools/local-dev/events";
import { ENV_FILE_NAME, missingEnvFileReason, notRunningReason } from "../../tools/local-dev/env-file";
import type { InlineConfig, Plugin } from "vite";
import type { AppConfig } from "./src/config";

/** The example's own folder (Vite's root). */
export const WEB_CHAT_ROOT = resolve(__dirname);
/** Where `npm run dev` keeps env.json by default. */
export const LOCAL_ENV_FILE = resolve(__dirname, "..", "..", ".local-dev", ENV_FILE_NAME);

/**
 * The origin the app is served on: the stack's `tokenApi.corsAllowedOrigins` entry on http://localhost (the dev stack:
 * http://localhost:5173), so the token API allows it as deployed, with no CORS edit.
 */
export function webChatOrigin(stackFile: string = DEFAULT_STACK_FILE): URL {
  const origins = readStackPlatformConfig(stackFile).tokenApi.corsAllowedOrigins;
  const local = origins.find((origin) => /^http:\/\/localhost:\d+$/.test(origin));
  if (!local)
    throw new Error(
      `${stackFile}: tokenApi.corsAllowedOrigins has no http://localhost:PORT origin to serve the web chat example on (it has: ${origins.join(", ") || "none"})`,
    );
  return new URL(local);
}

/** The app's config for a local environment described by env.json's documented fields. */
export function localAppConfig(env: { tokenApiUrl: string; acsEndpoint: string; devSignInUrl: string }): AppConfig {
  return { tokenApiUrl: env.tokenApiUrl, acsEndpoint: env.acsEndpoint, signIn: { kind: "dev", url: env.devSignInUrl }, realtime: "poll" };
}

/** The config of the running `npm run dev` (its env.json), or the one-line reason there is none. */
export function readLocalAppConfig(envFile: string = LOCAL_ENV_FILE): { config: AppConfig } | { error: string } {
  if (!existsSync(envFile)) return { error: missingEnvFileReason(envFile) };
  const document = JSON.parse(readFileSync(envFile, "utf8")) as { tokenApiUrl: string; acsEndpoint: string; devSignInUrl?: string };
  const stopped = notRunningReason(envFile, document);
  if (stopped) return { error: stopped };
  if (!document.devSignInUrl)
    return { error: `${envFile} has no devSignInUrl: it was written by an older npm run dev; restart it with \`npm run dev\`` };
  return { config: localAppConfig({ ...document, devSignInUrl: document.devSignInUrl }) };
}

/** Serves /config.json from env.json (read on every request, so a restarted `npm run dev` is picked up by a reload); 503 with the reason when none runs. */
function localConfigPlugin(envFile: string): Plugin {
  return {
    name: "web-chat-local-config",
    configureServer(server) {
      server.middlewares.use("/config.json", (_req, res) => {
        const found = readLocalAppConfig(envFile);
        res.setHeader("content-type", "application/json");
        res.setHeader("cache-control", "no-store");
        res.statusCode = "config" in found ? 200 : 503;
        res.end(JSON.stringify("config" in found ? found.config : { error: found.error }));
      });
    },
  };
}

/**
 * Vite's settings for the example (inline: no config file to load): the dev server on the stack's origin with
 * /config.json from `envFile`; `build` writes the static app to `outDir` (the app then reads config.json beside it).
 */
export function webChatViteConfig(options: { envFile?: string; outDir?: string; origin?: URL } = {}): InlineConfig {
  const origin = options.origin ?? webChatOrigin();
  return {
    configFile: false,
    root: WEB_CHAT_ROOT,
    logLevel: "info",
    plugins: [localConfigPlugin(options.envFile ?? LOCAL_ENV_FILE)],
    // The browser origin must be exactly the allowed one: no other port when it is taken, and `localhost`, not 127.0.0.1.
    server: { host: origin.hostname, port: Number(origin.port), strictPort: true },
    // The token refresher is a workspace package built to CommonJS (clients/token-refresher/dist): pre-bundled as Vite
    // does for CommonJS packages in node_modules.
    optimizeDeps: { include: ["@acs-platform/token-refresher"] },
    build: { target: "es2022", outDir: options.outDir ?? resolve(WEB_CHAT_ROOT, "dist"), emptyOutDir: true },
  };
}
