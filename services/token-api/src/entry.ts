// The package's entry, server.js in the zip (App Service runs `node server.js`): starts the bundle with its code cache
// (codeCache.ts). NODE_DISABLE_COMPILE_CACHE=1, which turns Node's own compile cache off, turns this one off too.
import { createRequire } from "node:module";
import { join } from "node:path";
import { codeCachePath, runWithCodeCache } from "./codeCache";

/** Set by scripts/build.ts (esbuild `define`): the bundle's file name, and the hash of its content. */
declare const TOKEN_API_BUNDLE: string;
declare const TOKEN_API_BUNDLE_HASH: string;

const bundle = join(__dirname, TOKEN_API_BUNDLE);
if (process.env.NODE_DISABLE_COMPILE_CACHE) createRequire(bundle)(bundle);
else runWithCodeCache(bundle, codeCachePath(TOKEN_API_BUNDLE_HASH));
