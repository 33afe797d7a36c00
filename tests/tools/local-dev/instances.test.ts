// A token API instance that fails to start leaves nothing behind: start() rejects with the process's reason and the
// /healthz polling that watched for it stops (it went on every 150 ms for the life of the test process).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../../../tools/local-dev/azurite";
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

  it("starts on a new port when the one it chose is taken before it binds (EADDRINUSE), and keeps that port", async () => {
    const squatter = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", () => resolve()));
    const taken = (squatter.address() as AddressInfo).port;
    let chosen = 0;
    const choosePort = () => (chosen++ === 0 ? Promise.resolve(taken) : freePort());
    const env = {
      LOG_LEVEL: "silent",
      ACS_AUTH_MODE: "managed-identity",
      ACS_ENDPOINT: "https://127.0.0.1:9/",
      AZURE_STATIC_BEARER_TOKEN: "instances-test",
      OIDC_ISSUER: "https://127.0.0.1:9/",
      OIDC_JWKS_URI: "https://127.0.0.1:9/keys",
      OIDC_AUDIENCE: "api://instances-test",
      MAPPING_TABLE_CONNECTION_STRING:
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;",
    };
    try {
      const instance = await tokenApiInstance({ id: "local-port-retry", env, choosePort });
      expect(instance.port).toBe(taken);
      await instance.start();
      try {
        expect(chosen).toBe(2);
        expect(instance.port).not.toBe(taken);
        expect(instance.url).toBe(`http://127.0.0.1:${instance.port}`);
        expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
        const port = instance.port;
        await instance.stop();
        await instance.start();
        expect([chosen, instance.port, (await fetch(`${instance.url}/healthz`)).status]).toEqual([2, port, 200]);
      } finally {
        await instance.stop();
      }
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
