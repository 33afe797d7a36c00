// Azurite's queue and blob services start on new ports when a port chosen for them is taken before Azurite binds it
// (EADDRINUSE): freePort closes its probe, so a parallel test's server can take the port in between. A CI run failed
// on exactly that ("azurite (queue, blob) exited before it started: ... EADDRINUSE"); the test squats the first port.
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueueServiceClient } from "@azure/storage-queue";
import { describe, expect, it } from "vitest";
import { freePort } from "../../../tools/local-dev/azurite";
import { startAzuriteEventStorage } from "../../../tools/local-dev/events";

describe("Azurite event storage on a taken port", () => {
  it("chooses its ports again and starts, and its queues answer", async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", () => resolve()));
    const taken = (squatter.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), "event-storage-port-"));
    let chosen = 0;
    // The first port handed out is the squatted one; every later one is free.
    const choosePort = () => (chosen++ === 0 ? Promise.resolve(taken) : freePort());
    try {
      const storage = await startAzuriteEventStorage(join(dir, "azurite"), choosePort);
      try {
        expect(chosen).toBe(6);
        expect(new URL(storage.queueEndpoint).port).not.toBe(String(taken));
        const queue = QueueServiceClient.fromConnectionString(storage.connectionString).getQueueClient("port-retry");
        expect((await queue.createIfNotExists()).succeeded).toBe(true);
      } finally {
        await storage.stop();
      }
    } finally {
      squatter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
