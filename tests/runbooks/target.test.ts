// Tests how the runbooks pick their target: --stack through the pulumi CLI, --outputs from a file, --local from .local-dev/env.json.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../tools/cli-kit";
import { resolveTarget } from "../../runbooks/lib/target";
import {
  EMULATOR_RESOURCE_GROUP,
  EMULATOR_SERVICE_NAME,
  EMULATOR_SUBSCRIPTION_ID,
  EMULATOR_WORKSPACE_ID,
} from "../../tools/acs-emulator/index";

const outputs = {
  resourceGroupName: "rg-acs-dev",
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  acsName: "acs-dev",
  acsEndpoint: "https://acs-dev.communication.azure.com/",
  keyVaultUri: "https://kv-acs-dev.vault.azure.net/",
  acsSecretName: "acs-connection-string",
  logAnalyticsWorkspaceId: "ws-guid",
  tokenApiUrl: "https://app-token-dev.azurewebsites.net/",
  tokenApiAudience: "api://acs-token-dev",
  oidcIssuer: "https://login.microsoftonline.com/t/v2.0",
  appInsightsConnectionString: "InstrumentationKey=secret",
};
const files = (map: Record<string, string>) => async (file: string) => {
  const text = map[file];
  if (text === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
  return text;
};
const usage = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
};

describe("resolveTarget", () => {
  it.each([[{}], [{ stack: "dev", local: true }], [{ outputs: "o.json", stack: "dev" }]])(
    "demands exactly one target: %j",
    async (flags) => {
      expect(await usage(resolveTarget(flags))).toBe("choose exactly one target: --stack NAME, --outputs FILE or --local");
    },
  );

  it("runs pulumi stack output with --show-secrets for --stack", async () => {
    const seen: string[][] = [];
    const target = await resolveTarget({ stack: "dev" }, { runPulumi: async (args) => (seen.push(args), JSON.stringify(outputs)) });
    expect(seen).toEqual([["stack", "output", "--json", "--show-secrets", "--stack", "dev"]]);
    expect(target).toEqual({
      kind: "stack",
      label: "stack dev",
      tokenApiUrl: "https://app-token-dev.azurewebsites.net",
      tokenApiAudience: "api://acs-token-dev",
      oidcIssuer: "https://login.microsoftonline.com/t/v2.0",
      acsEndpoint: "https://acs-dev.communication.azure.com/",
      keyVaultUri: "https://kv-acs-dev.vault.azure.net/",
      acsSecretName: "acs-connection-string",
      subscriptionId: "00000000-0000-0000-0000-000000000001",
      resourceGroupName: "rg-acs-dev",
      acsName: "acs-dev",
      logAnalyticsWorkspaceId: "ws-guid",
    });
  });

  it("explains what to do when the pulumi CLI is missing", async () => {
    const runPulumi = async () => Promise.reject(Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" }));
    expect(await usage(resolveTarget({ stack: "prod" }, { runPulumi }))).toBe(
      "the pulumi CLI is not on PATH. Where it is, run `pulumi stack output --json --show-secrets --stack prod > outputs.json` and pass --outputs outputs.json",
    );
  });

  it("reports a failing pulumi command with its first line", async () => {
    const runPulumi = async () => Promise.reject(new Error("error: no stack named 'qa' found\nmore"));
    expect(await usage(resolveTarget({ stack: "qa" }, { runPulumi }))).toBe(
      "`pulumi stack output --json --show-secrets --stack qa` failed: error: no stack named 'qa' found",
    );
  });

  it("reads --outputs from a file and defaults the secret name", async () => {
    const { acsSecretName: _omit, ...rest } = outputs;
    const target = await resolveTarget({ outputs: "o.json" }, { readText: files({ "o.json": JSON.stringify(rest) }) });
    expect(target.kind).toBe("outputs");
    expect(target.label).toBe("outputs file o.json");
    expect(target.acsSecretName).toBe("acs-connection-string");
  });

  it("names the missing stack outputs", async () => {
    const readText = files({ "o.json": JSON.stringify({ acsEndpoint: "https://x/" }) });
    expect(await usage(resolveTarget({ outputs: "o.json" }, { readText }))).toBe(
      "outputs file o.json is missing stack outputs: tokenApiUrl invalid input: expected string, received undefined",
    );
  });

  it("rejects an outputs file that is not JSON or does not exist", async () => {
    expect(await usage(resolveTarget({ outputs: "o.json" }, { readText: files({ "o.json": "{" }) }))).toBe("o.json is not valid JSON");
    expect(await usage(resolveTarget({ outputs: "none.json" }, { readText: files({}) }))).toBe(
      "cannot read the outputs file at none.json: ENOENT",
    );
  });

  it("reads --local from the local-dev file, with the emulator fields nested or flat", async () => {
    const env = {
      tokenApiUrl: "http://127.0.0.1:4000",
      acsEndpoint: "https://127.0.0.1:4443/",
      oidcIssuer: "http://127.0.0.1:4001",
      oidcAudience: "api://acs-token-local",
      jwtCommand: "npm run -s dev:jwt --",
      emulator: {
        connectionString: "endpoint=https://127.0.0.1:4443/;accesskey=a2V5",
        caCertPath: "/tmp/ca.pem",
        armBaseUrl: "https://127.0.0.1:4443/arm",
        keyVaultUrl: "https://127.0.0.1:4443/kv/",
        logAnalyticsUrl: "https://127.0.0.1:4443/la",
        adminUrl: "http://127.0.0.1:4444",
        subscriptionId: "sub",
        resourceGroupName: "rg-acs-emulator",
        serviceName: "acs-emulator",
        workspaceId: "ws",
        devBearerToken: "t.o.k",
      },
    };
    const readText = files({ "/env.json": JSON.stringify(env), "/tmp/ca.pem": "PEM" });
    const target = await resolveTarget({ local: true }, { readText, localEnvPath: "/env.json" });
    expect(target).toEqual({
      kind: "local",
      label: "local environment",
      tokenApiUrl: "http://127.0.0.1:4000",
      tokenApiAudience: "api://acs-token-local",
      oidcIssuer: "http://127.0.0.1:4001",
      acsEndpoint: "https://127.0.0.1:4443/",
      keyVaultUri: "https://127.0.0.1:4443/kv/",
      acsSecretName: "acs-connection-string",
      subscriptionId: "sub",
      resourceGroupName: "rg-acs-emulator",
      acsName: "acs-emulator",
      logAnalyticsWorkspaceId: "ws",
      local: {
        connectionString: "endpoint=https://127.0.0.1:4443/;accesskey=a2V5",
        caCertPem: "PEM",
        armBaseUrl: "https://127.0.0.1:4443/arm",
        logAnalyticsUrl: "https://127.0.0.1:4443/la",
        adminUrl: "http://127.0.0.1:4444",
        bearerToken: "t.o.k",
        jwtCommand: "npm run -s dev:jwt --",
      },
    });
    const flat = await resolveTarget(
      { local: true },
      {
        readText: files({ "/env.json": JSON.stringify({ ...env, ...env.emulator, emulator: undefined }), "/tmp/ca.pem": "PEM" }),
        localEnvPath: "/env.json",
      },
    );
    expect(flat).toEqual(target);
  });

  it("reads the file `npm run dev` writes, filling the emulator's well-known names", async () => {
    const written = {
      tokenApiUrl: "http://127.0.0.1:39031",
      acsEndpoint: "https://127.0.0.1:46767/",
      connectionString: "endpoint=https://127.0.0.1:46767/;accesskey=a2V5",
      caCertPath: "/d/emulator/tls/ca.pem",
      oidcIssuer: "http://127.0.0.1:38787",
      oidcAudience: "api://acs-token-api-local",
      jwtCommand: "npm run dev:jwt -- --sub alice",
      oidcKeyFile: "/d/oidc-signing-key.json",
      oidcScope: "acs.token",
      keyVaultUrl: "https://127.0.0.1:46767/",
      armBaseUrl: "https://127.0.0.1:46767",
      adminUrl: "http://127.0.0.1:40000",
    };
    const target = await resolveTarget(
      { local: true, localEnv: "/d/env.json" },
      { readText: files({ "/d/env.json": JSON.stringify(written), "/d/emulator/tls/ca.pem": "PEM" }) },
    );
    expect([target.subscriptionId, target.resourceGroupName, target.acsName, target.logAnalyticsWorkspaceId]).toEqual([
      EMULATOR_SUBSCRIPTION_ID,
      EMULATOR_RESOURCE_GROUP,
      EMULATOR_SERVICE_NAME,
      EMULATOR_WORKSPACE_ID,
    ]);
    expect(target.keyVaultUri).toBe("https://127.0.0.1:46767/");
    expect(target.local).toEqual({
      connectionString: "endpoint=https://127.0.0.1:46767/;accesskey=a2V5",
      caCertPem: "PEM",
      armBaseUrl: "https://127.0.0.1:46767",
      logAnalyticsUrl: "https://127.0.0.1:46767/v1",
      adminUrl: "http://127.0.0.1:40000",
      bearerToken: undefined,
      jwtCommand: "npm run dev:jwt -- --sub alice",
      oidcKeyFile: "/d/oidc-signing-key.json",
      oidcScope: "acs.token",
    });
  });

  it("refuses --local-env without --local", async () => {
    expect(await usage(resolveTarget({ stack: "dev", localEnv: "/d/env.json" }))).toBe("--local-env FILE only goes with --local");
  });

  it("tells the operator to start the local environment when its file is missing", async () => {
    expect(await usage(resolveTarget({ local: true }, { readText: files({}), localEnvPath: "/nope/env.json" }))).toBe(
      "the local environment is not running: /nope/env.json not found; start it with `npm run dev`",
    );
  });

  it("says the local environment is not running when env.json names an npm run dev that has exited", async () => {
    // A child that has exited: its PID is free (and, within this test, not reused).
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    const env = { pid: gone, tokenApiUrl: "http://127.0.0.1:9", acsEndpoint: "https://127.0.0.1:9/" };
    expect(
      await usage(resolveTarget({ local: true }, { readText: files({ "/d/env.json": JSON.stringify(env) }), localEnvPath: "/d/env.json" })),
    ).toBe(
      `the local environment is not running: /d/env.json was written by npm run dev (pid ${gone}), which has exited; start it with \`npm run dev\``,
    );
    // The same file naming a live process (this one) is taken.
    const live = { ...env, pid: process.pid };
    const target = await resolveTarget(
      { local: true },
      { readText: files({ "/d/env.json": JSON.stringify(live) }), localEnvPath: "/d/env.json" },
    );
    expect(target.tokenApiUrl).toBe("http://127.0.0.1:9");
  });
});
