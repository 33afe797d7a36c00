// The dev server's settings for the web chat example (`npm run example:web`).
import type { InlineConfig, Plugin } from "vite";
import { resolve } from "node:path";
import { LOCAL_ENV_FILE, WEB_CHAT_ROOT, readLocalAppConfig, webChatOrigin } from "./site";

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
 * The dev server of `npm run example:web`: vite.config.mts (the build settings) plus the stack's origin and
 * /config.json from `envFile`.
 */
export function webChatViteConfig(options: { envFile?: string; origin?: URL } = {}): InlineConfig {
  const origin = options.origin ?? webChatOrigin();
  return {
    configFile: resolve(WEB_CHAT_ROOT, "vite.config.mts"),
    root: WEB_CHAT_ROOT,
    plugins: [localConfigPlugin(options.envFile ?? LOCAL_ENV_FILE)],
    // The browser origin must be exactly the allowed one: no other port when it is taken, and `localhost`, not 127.0.0.1.
    server: { host: origin.hostname, port: Number(origin.port), strictPort: true },
  };
}
