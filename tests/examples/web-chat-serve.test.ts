// `npm run example:web` serves on the stack's origin or not at all: with the port held it exits 1 naming the origin
// (Vite's watcher used to keep it running after the failed listen).
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { webChatOrigin } from "../../examples/web-chat/site";

const root = join(__dirname, "..", "..");
/** The origin the example must be served on (the dev stack's http://localhost origin), and its port. */
const origin = webChatOrigin();

describe("npm run example:web", () => {
  it(`with port ${origin.port} held, exits 1 with one line naming the origin the stack allows`, async () => {
    // Held by this test, or already by someone else (an example:web running on this machine): either way, held.
    const squatter: Server | undefined = await new Promise((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(undefined));
      server.listen(Number(origin.port), "localhost", () => resolve(server));
    });
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          join(root, "node_modules", ".bin", "tsx"),
          ["examples/web-chat/serve.ts", "--local-env", join(root, "no-such-dir", "env.json")],
          { cwd: root, timeout: 120_000 },
          (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
        );
      });
      expect(result).toEqual({
        code: 1,
        stderr: `error: Port ${origin.port} is already in use: the app must be served on ${origin.origin}, the origin the stack allows (stop what holds the port)\n`,
      });
    } finally {
      await new Promise<void>((resolve) => (squatter ? squatter.close(() => resolve()) : resolve()));
    }
  }, 180_000);
});
