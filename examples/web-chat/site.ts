// Where the web chat example is served and what it is told, for `npm run example:web`, its tests and its bench: the
// origin comes from the dev stack's allowed browser origins, the local config from a running `npm run dev`.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_STACK_FILE, readStackPlatformConfig } from "../../tools/local-dev/events";
import { ENV_FILE_NAME, missingEnvFileReason, notRunningReason } from "../../tools/local-dev/env-file";
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
