// examples/web-chat in process: the origin it is served on comes from the stack's allowed origins, and config.json is
// checked field by field with a message naming the field.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localAppConfig, readLocalAppConfig, webChatOrigin } from "../../examples/web-chat/site";
import { ConfigError, parseAppConfig } from "../../examples/web-chat/src/config";

const local = {
  tokenApiUrl: "http://127.0.0.1:4000",
  acsEndpoint: "https://127.0.0.1:4001/",
  devSignInUrl: "http://127.0.0.1:4002/dev/sign-in",
};

describe("web chat origin", () => {
  it("is the dev stack's http://localhost origin (Pulumi.dev.yaml: http://localhost:5173)", () => {
    expect(webChatOrigin().href).toBe("http://localhost:5173/");
  });

  it("a stack without a localhost origin is an error naming the key and what it has", () => {
    const dir = mkdtempSync(join(tmpdir(), "web-chat-stack-"));
    const file = join(dir, "Pulumi.dev.yaml");
    writeFileSync(file, readFileSync("Pulumi.dev.yaml", "utf8").replace(/- http:\/\/localhost:5173/, "- https://chat.contoso.com"));
    expect(() => webChatOrigin(file)).toThrow(
      `${file}: tokenApi.corsAllowedOrigins has no http://localhost:PORT origin to serve the web chat example on (it has: https://chat.contoso.com)`,
    );
  });
});

describe("web chat config", () => {
  it("the local config signs in on the dev page and polls", () => {
    expect(parseAppConfig(localAppConfig(local))).toEqual({
      tokenApiUrl: local.tokenApiUrl,
      acsEndpoint: local.acsEndpoint,
      signIn: { kind: "dev", url: local.devSignInUrl },
      realtime: "poll",
    });
  });

  it.each([
    [{ ...localAppConfig(local), acsEndpoint: "http://127.0.0.1:4001/" }, "config.json: acsEndpoint must be the ACS endpoint (https://…)"],
    [{ ...localAppConfig(local), realtime: "websocket" }, 'config.json: realtime must be "notifications" or "poll"'],
    [{ ...localAppConfig(local), pollIntervalMs: 10 }, "config.json: pollIntervalMs must be a number ≥ 250"],
    [
      { ...localAppConfig(local), signIn: { kind: "entra", clientId: "c", authority: "a" } },
      "config.json: signIn.apiScope must be a non-empty string",
    ],
    [{ ...localAppConfig(local), signIn: { kind: "saml" } }, 'config.json: signIn.kind must be "dev" or "entra"'],
  ])("refuses %j: %s", (raw, message) => {
    expect(() => parseAppConfig(raw)).toThrow(new ConfigError(message));
  });

  it("no running environment: the one-line reason, not a config", () => {
    const file = join(mkdtempSync(join(tmpdir(), "web-chat-env-")), "env.json");
    expect(readLocalAppConfig(file)).toEqual({
      error: `the local environment is not running: ${file} not found; start it with \`npm run dev\``,
    });
  });
});
