// The local issuer's development-only sign-in page (examples/web-chat): offers users, redirects only to the allowed
// browser origins with a token the token API accepts, and is absent unless asked for.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webChatOrigin } from "../../../examples/web-chat/site";
import {
  DEV_SIGN_IN_PATH,
  LOCAL_AUDIENCE,
  LOCAL_SCOPE,
  LOCAL_TOKEN_TTL_SECONDS,
  startOidcIssuer,
  type OidcIssuer,
} from "../../../tools/local-dev/oidcIssuer";

/** The web chat example's origin (the dev stack's http://localhost origin), the page the sign-in returns to. */
const origin = webChatOrigin().origin;
let issuer: OidcIssuer;
let plain: OidcIssuer;
beforeAll(async () => {
  issuer = await startOidcIssuer({ devSignIn: { allowedOrigins: [origin] } });
  plain = await startOidcIssuer();
});
afterAll(async () => {
  await issuer?.close();
  await plain?.close();
});

const post = (base: string, form: Record<string, string>) =>
  fetch(`${base}${DEV_SIGN_IN_PATH}`, { method: "POST", body: new URLSearchParams(form), redirect: "manual" });

describe("dev sign-in", () => {
  it("GET shows a page marked development-only that offers alice, bob and carol", async () => {
    const response = await fetch(`${issuer.issuer}${DEV_SIGN_IN_PATH}?redirect_uri=${encodeURIComponent(`${origin}/`)}&state=s1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html).toContain("<strong>Local development only.</strong>");
    expect([...html.matchAll(/<button name="user" value="(\w+)">/g)].map((m) => m[1])).toEqual(["alice", "bob", "carol"]);
    expect(html).toContain('name="state" value="s1"');
  });

  it("POST redirects to the app with a token for the chosen user in the fragment and the state echoed", async () => {
    const response = await post(issuer.issuer, { user: "bob", redirect_uri: `${origin}/?x=1`, state: "s2" });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}${location.search}`).toBe(`${origin}/?x=1`);
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect([fragment.get("token_type"), fragment.get("expires_in"), fragment.get("state")]).toEqual([
      "Bearer",
      String(LOCAL_TOKEN_TTL_SECONDS),
      "s2",
    ]);
    const claims = decodeJwt(fragment.get("access_token")!);
    expect([claims.iss, claims.aud, claims.sub, claims.scp]).toEqual([issuer.issuer, LOCAL_AUDIENCE, "bob", LOCAL_SCOPE]);
  });

  it("refuses a redirect to another origin, naming the field and the accepted origins", async () => {
    const response = await post(issuer.issuer, { user: "bob", redirect_uri: "https://evil.example/", state: "" });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe(`redirect_uri origin https://evil.example is not allowed; accepted: ${origin}\n`);
    const missing = await fetch(`${issuer.issuer}${DEV_SIGN_IN_PATH}`);
    expect([missing.status, await missing.text()]).toEqual([
      400,
      `redirect_uri is required: an URL on one of the allowed origins (${origin})\n`,
    ]);
  });

  it("refuses a user name outside the accepted characters", async () => {
    const response = await post(issuer.issuer, { user: "<script>", redirect_uri: `${origin}/`, state: "" });
    expect([response.status, await response.text()]).toEqual([400, 'user "<script>" is not accepted: 1..64 of A-Z a-z 0-9 . _ @ -\n']);
  });

  it("does not exist on an issuer started without it", async () => {
    const response = await fetch(`${plain.issuer}${DEV_SIGN_IN_PATH}?redirect_uri=${encodeURIComponent(`${origin}/`)}`);
    expect(response.status).toBe(404);
  });
});
