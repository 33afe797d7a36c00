// Azurite is stopped the graceful way: a mapping acknowledged just before the stop is still there after a restart.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { startAzuriteTables } from "../../../tools/local-dev/azurite";

describe("local Azurite", () => {
  it("keeps a write acknowledged right before stop() across a restart", async () => {
    const azurite = await startAzuriteTables(mkdtempSync(join(tmpdir(), "azurite-graceful-")));
    try {
      const table = TableClient.fromConnectionString(azurite.connectionString, "graceful", { allowInsecureConnection: true });
      await table.createTable();
      await table.createEntity({ partitionKey: "p", rowKey: "r", value: "acknowledged" });
      // Well inside Azurite's 5 s autosave interval: only a graceful close saves this.
      await azurite.stop();
      await azurite.start();
      expect((await table.getEntity<{ value: string }>("p", "r")).value).toBe("acknowledged");
    } finally {
      await azurite.stop();
    }
  });

  it("is not fooled by another server on its port: a start whose port is taken fails naming it", async () => {
    // The bug: readiness was "the port accepts a connection", so a parallel test's server that took the freshly
    // chosen port answered in Azurite's place (an Azure SDK call then got that server's 404 body) while Azurite
    // exited with EADDRINUSE.
    const squatter = createServer((_req, res) => res.writeHead(404).end('{"error":"not_found"}'));
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      const failure = await startAzuriteTables(mkdtempSync(join(tmpdir(), "azurite-taken-")), port, { startDeadlineMs: 60_000 }).then(
        (azurite) => azurite.stop().then(() => undefined),
        (error: Error) => error,
      );
      expect(failure?.message).toMatch(new RegExp(`^azurite \\(table, port ${port}\\) exited before it started: .*EADDRINUSE`, "s"));
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it("kills Azurite when its start deadline passes, and names it in the error", async () => {
    const failure = await startAzuriteTables(mkdtempSync(join(tmpdir(), "azurite-deadline-")), undefined, { startDeadlineMs: 0 }).then(
      () => undefined,
      (error: Error) => error,
    );
    const match = /^azurite \(table, port \d+\) did not start within 0 s; stopped it \(pid (\d+)\)$/.exec(failure?.message ?? "");
    expect(match, failure?.message).not.toBeNull();
    // Signal 0 only checks that the process exists: ESRCH means it is gone (before the fix it was left running).
    expect(() => process.kill(Number(match![1]), 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
  });
});
