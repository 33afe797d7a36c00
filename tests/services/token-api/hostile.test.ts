// What an adversary would send: every registered claim the service relies on (iat, nbf, exp, sub), hostile `sub`
// contents, duplicate JSON members in the token and the body, and every error status in the one documented error shape.
import { createPrivateKey, createSign } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredSigningKey } from "../../../tools/local-dev/oidcIssuer";
import { startTestEnvironment, type TestEnvironment } from "./helpers";

let env: TestEnvironment;
let key: StoredSigningKey;
beforeAll(async () => {
  env = await startTestEnvironment({ tokenApiEnv: { RATE_LIMIT_PER_USER_PER_MINUTE: "1000", RATE_LIMIT_PER_IP_PER_MINUTE: "100000" } });
  key = JSON.parse(readFileSync(env.oidc.keyFile, "utf8")) as StoredSigningKey;
});
afterAll(async () => env?.stop());

const now = () => Math.floor(Date.now() / 1000);
let n = 0;
const claims = (extra: Record<string, unknown> = {}) => {
  const base: Record<string, unknown> = {
    iss: env.oidc.issuer,
    aud: env.oidc.audience,
    sub: `hostile-${++n}`,
    iat: now(),
    nbf: now(),
    exp: now() + 600,
    scp: "acs.token",
  };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
};
/** Signs `payload` and `header` as raw text (RS256, the issuer's real key), so any byte sequence can be tried. */
function sign(payload: string, header = JSON.stringify({ alg: "RS256", kid: key.kid, typ: "JWT" })): string {
  const input = `${Buffer.from(header).toString("base64url")}.${Buffer.from(payload).toString("base64url")}`;
  const signature = createSign("RSA-SHA256")
    .update(input)
    .sign(createPrivateKey({ key: key.privateJwk as never, format: "jwk" }));
  return `${input}.${signature.toString("base64url")}`;
}
const ask = async (jwt: string) => env.call("POST", "/api/token", { jwt });
const INVALID = { error: { code: "unauthenticated", message: "The access token is invalid or expired." } };

describe("registered claims", () => {
  it("accepts the well-formed baseline", async () => {
    expect((await ask(sign(JSON.stringify(claims())))).status).toBe(200);
  });

  const refused: Array<[string, Record<string, unknown>]> = [
    ["no iat", { iat: undefined }],
    ["iat a string", { iat: "now" }],
    ["iat 10 minutes in the future (skew is 60 s)", { iat: now() + 600 }],
    ["iat older than a day, exp still ahead", { iat: now() - 25 * 3600 }],
    ["nbf 10 minutes ahead", { nbf: now() + 600 }],
    ["no exp", { exp: undefined }],
    ["exp 2 minutes ago", { exp: now() - 120 }],
    ["exp a string", { exp: String(now() + 600) }],
    ["another issuer", { iss: "https://login.example.com/evil" }],
    ["another audience", { aud: "api://someone-else" }],
    ["no scope", { scp: undefined }],
  ];
  it.each(refused)("refuses %s with 401 invalid_token", async (_case, extra) => {
    const response = await ask(sign(JSON.stringify(claims(extra))));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/error="(invalid_token|insufficient_scope)"/);
    expect(response.body.error.code).toBe("unauthenticated");
  });

  it("tolerates clock skew within OIDC_CLOCK_SKEW_SECONDS (nbf and iat 30 s ahead)", async () => {
    expect((await ask(sign(JSON.stringify(claims({ nbf: now() + 30, iat: now() + 30 }))))).status).toBe(200);
  });
});

describe("what a sub may contain", () => {
  const refused: Array<[string, unknown]> = [
    ["empty", ""],
    ["256 characters", "a".repeat(256)],
    ["a space", "alice bob"],
    ["a newline (log injection)", 'alice\n{"level":60}'],
    ["a NUL", "alice\u0000"],
    ["non-ASCII", "alïce"],
    ["a number", 42],
    ["an object", { id: "alice" }],
  ];
  it.each(refused)("refuses a sub with %s", async (_case, sub) => {
    const response = await ask(sign(JSON.stringify(claims({ sub }))));
    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID);
  });

  it("accepts 255 visible ASCII characters, including the ones Table Storage forbids in keys (/ \\ # ?)", async () => {
    const sub = `a/b\\c#d?e${"x".repeat(246)}`;
    expect(sub.length).toBe(255);
    const response = await ask(sign(JSON.stringify(claims({ sub }))));
    expect(response.status).toBe(200);
    expect(response.body.acsUserId).toMatch(/^8:acs:/);
  });
});

describe("duplicate JSON members", () => {
  it("refuses a token whose payload names sub twice (parsers disagree on which wins)", async () => {
    const payload = JSON.stringify(claims({ sub: "victim" })).replace('"sub":"victim"', '"sub":"victim","sub":"attacker"');
    expect(payload).toContain('"sub":"victim","sub":"attacker"');
    const response = await ask(sign(payload));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: "unauthenticated", message: "The access token has a duplicate claim." } });
  });

  it("refuses a token whose header names kid twice", async () => {
    const header = `{"alg":"RS256","kid":"${key.kid}","kid":"other","typ":"JWT"}`;
    const response = await ask(sign(JSON.stringify(claims()), header));
    expect(response.status).toBe(401);
    expect(response.body.error.message).toBe("The access token has a duplicate claim.");
  });

  it("refuses a body that names a field twice, naming the field", async () => {
    const response = await env.call("POST", "/api/token", {
      jwt: await env.oidc.mintToken("dup-body"),
      body: '{"lifetimeMinutes":60,"lifetimeMinutes":1440}',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: {
        code: "invalid_request",
        message: 'body: member "lifetimeMinutes" appears more than once',
        details: [{ field: "body", message: 'member "lifetimeMinutes" appears more than once' }],
      },
    });
  });

  it("still accepts the same name in different objects", async () => {
    const response = await env.call("POST", "/api/token", {
      jwt: await env.oidc.mintToken("nested-ok"),
      body: '{"scopes":["chat.join.limited"],"lifetimeMinutes":60}',
    });
    expect(response.status).toBe(200);
  });
});

/** A raw request, for what fetch will not send (oversized headers). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(env.instances[0]!.url);
    const req = request({ host: url.hostname, port: url.port, method: "POST", path, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body: text }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("every error status in the one shape", () => {
  it("400, 401, 404, 413, 415, 429, 431 and 503 all answer {error:{code,message}} as JSON, never a stack", async () => {
    const jwt = await env.oidc.mintToken("shape");
    await env.fault({ operation: "issueAccessToken", status: 503, count: 10 });
    const answers: Array<{ status: number; type: string; body: string }> = [];
    const viaFetch = async (init: { body?: string; headers?: Record<string, string>; path?: string; method?: string }) => {
      const response = await fetch(`${env.instances[0]!.url}${init.path ?? "/api/token"}`, {
        method: init.method ?? "POST",
        headers: init.headers,
        body: init.body,
      });
      answers.push({ status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() });
    };
    await viaFetch({ headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" }, body: '{"scopes":"chat"}' });
    await viaFetch({ headers: { authorization: "Bearer not.a.jwt" } });
    await viaFetch({ path: "/nowhere", method: "GET" });
    await viaFetch({
      headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(5000) }),
    });
    await viaFetch({ headers: { authorization: `Bearer ${jwt}`, "content-type": "text/xml" }, body: "<a/>" });
    await viaFetch({ headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" }, body: '{"lifetimeMinutes":120}' });
    answers.push(await raw("/api/token", { authorization: `Bearer ${jwt}`, "x-padding": "a".repeat(20_000) }));
    await env.clearFaults();
    // 429 last, from a limit of 1 on a separate instance.
    const { tokenApiInstance } = await import("../../../tools/local-dev/instances");
    const limited = await tokenApiInstance({ id: "local-limited", env: { ...env.tokenApi.env, RATE_LIMIT_PER_USER_PER_MINUTE: "1" } });
    try {
      await limited.start();
      const other = await env.oidc.mintToken("shape-429");
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${limited.url}/api/token`, { method: "POST", headers: { authorization: `Bearer ${other}` } });
        if (i === 1)
          answers.push({ status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() });
      }
    } finally {
      await limited.stop();
    }
    expect(answers.map((a) => a.status)).toEqual([400, 401, 404, 413, 415, 503, 431, 429]);
    for (const answer of answers) {
      expect(answer.type).toMatch(/^application\/json/);
      const body = JSON.parse(answer.body) as { error: Record<string, unknown> };
      expect(Object.keys(body)).toEqual(["error"]);
      expect(typeof body.error.code).toBe("string");
      expect(typeof body.error.message).toBe("string");
      expect(Object.keys(body.error).every((k) => ["code", "message", "details"].includes(k))).toBe(true);
      expect(answer.body).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    }
  });
});
