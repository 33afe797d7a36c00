// Tests the helpers that keep secrets out of output and name the actor in audit records.
import { describe, expect, it } from "vitest";
import { describeError, redact } from "../../tools/cli-kit";
import { accessKeyOf, sameAccessKey, whoFromCredential } from "../../runbooks/lib/credentials";
import { StaticTokenCredential } from "../../tools/acs-emulator/credential";

const jwt = (claims: object) => `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

describe("redact", () => {
  it.each([
    ["endpoint=https://h/;accesskey=c2VjcmV0Kw==", "endpoint=https://h/;accesskey=***"],
    [
      "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c2VjcmV0Kw==;EndpointSuffix=core.windows.net",
      "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=***;EndpointSuffix=core.windows.net",
    ],
    ["Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"],
    [`token ${jwt({ a: 1 })} end`, "token ***jwt*** end"],
    ["nothing secret here", "nothing secret here"],
  ])("%s", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it("describes an SDK error with status and code, redacted", () => {
    const error = Object.assign(new Error("bad key in endpoint=https://h/;accesskey=AAAA"), { statusCode: 401, code: "Denied" });
    expect(describeError(error)).toBe("HTTP 401 Denied: bad key in endpoint=https://h/;accesskey=***");
  });
});

describe("whoFromCredential", () => {
  it.each([
    [{ upn: "ops@contoso.com", oid: "o" }, "ops@contoso.com"],
    [{ preferred_username: "dev@contoso.com", appid: "a" }, "dev@contoso.com"],
    [{ appid: "00000000-app", oid: "o" }, "00000000-app"],
    [{ oid: "11111111-oid" }, "11111111-oid"],
    [{}, "operator"],
  ])("names %j as %s", async (claims, expected) => {
    expect(await whoFromCredential(new StaticTokenCredential(jwt(claims)), { USER: "operator" })).toBe(expected);
  });

  it("falls back to USER without a credential or when the credential fails", async () => {
    expect(await whoFromCredential(undefined, { USER: "operator" })).toBe("operator");
    expect(await whoFromCredential({ getToken: async () => Promise.reject(new Error("no login")) }, { USER: "operator" })).toBe("operator");
  });
});

describe("connection strings", () => {
  it("compares access keys without exposing them", () => {
    expect(accessKeyOf("endpoint=https://h/;accesskey=a2V5")).toBe("a2V5");
    expect(accessKeyOf("nonsense")).toBeUndefined();
    expect(sameAccessKey("endpoint=https://h/;accesskey=a2V5", "ENDPOINT=https://h/;AccessKey=a2V5")).toBe(true);
    expect(sameAccessKey("endpoint=https://h/;accesskey=a2V5", "endpoint=https://h/;accesskey=b2V5")).toBe(false);
    expect(sameAccessKey("nonsense", "nonsense")).toBe(false);
  });
});
