// `npm run example:web` serves on the stack's origin or not at all: with the port held it exits 1 naming the origin
// (Vite's watcher used to keep it running after the failed listen).
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

describe("npm run example:web", () => {
  it("with port 5173 held, exits 1 with one line naming the origin the stack allows", async () => {
    // Held by this test, or already by someone else (an example:web running on this machine): either way, held.
    const squatter: Server | undefined = await new Promise((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(undefined));
      server.listen(5173, "localhost", () => resolve(server));
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
        stderr:
          "error: Port 5173 is already in use: the app must be served on http://localhost:5173, the origin the stack allows (stop what holds the port)\n",
      });
    } finally {
      await new Promise<void>((resolve) => (squatter ? squatter.close(() => resolve()) : resolve()));
    }
  }, 180_000);
});
