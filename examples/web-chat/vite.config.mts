// Vite's build settings for the web chat example (`npx vite build examples/web-chat`); `npm run example:web` adds the
// dev server's origin and /config.json on top (vite-config.ts).
import { defineConfig } from "vite";

export default defineConfig({
  // The token refresher is a workspace package built to CommonJS (clients/token-refresher/dist): pre-bundled as Vite
  // does for CommonJS packages in node_modules.
  optimizeDeps: { include: ["@acs-platform/token-refresher"] },
  // modulePreload.polyfill: for browsers without modulepreload; every browser that runs ES2022 has it.
  build: { target: "es2022", modulePreload: { polyfill: false } },
});
