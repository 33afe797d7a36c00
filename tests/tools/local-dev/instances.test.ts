// A token API instance that fails to start leaves nothing behind: start() rejects with the process's reason and the
// /healthz polling that watched for it stops (it went on every 150 ms for the life of the test process).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { tokenApiInstance } from "../../../tools/local-dev/instances";

describe("tokenApiInstance", () => {
  it("stops polling /healthz once the process has exited", async () => {
    // A server on the instance's port counts the polls (and answers unhealthy); the process exits at once on its
    // configuration (no ACS_AUTH_MODE), with the config exit code 78.
    let healthPolls = 0;
    const squatter = createServer((req, res) => {
      if (req.url === "/healthz") healthPolls++;
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", () => resolve()));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const instance = await tokenApiInstance({ id: "local-squatted", env: { LOG_LEVEL: "silent" }, port, startTimeoutMs: 20_000 });
      await expect(instance.start()).rejects.toThrow(
        /^token API local-squatted exited with 78: acs-token-api: configuration error: ACS_AUTH_MODE: missing/,
      );
      // An in-flight poll may still land; after that, none.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const afterExit = healthPolls;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(healthPolls).toBe(afterExit);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
