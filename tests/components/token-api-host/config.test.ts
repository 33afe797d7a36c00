// Table tests of the token API's pure pieces: the `tokenApi` config schema (CORS origins, SKUs, lifetimes),
// the prod rules, and the package-source decision that keeps mock evaluation free of the artifact.
import { describe, expect, it } from "vitest";
import {
  appServiceSkuFamily,
  choosePackageSource,
  supportsZoneRedundancy,
  tokenApiConfigSchema,
  tokenApiEnvironmentProblems,
} from "../../../components/token-api-host/config";

const base = {
  plan: { skuName: "B1", instanceCount: 1 },
  oidc: {
    issuer: "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0",
    audience: "22222222-2222-2222-2222-222222222222",
  },
};

describe("tokenApiConfigSchema", () => {
  it.each([
    ["", "must not be empty; give an origin such as https://app.example.com"],
    [
      "https://app.example.com/",
      "must be an origin (https://host[:port], or http://localhost[:port]) without path, wildcard or trailing slash",
    ],
    ["*", "must be an origin (https://host[:port], or http://localhost[:port]) without path, wildcard or trailing slash"],
    [
      "http://app.example.com",
      "must be an origin (https://host[:port], or http://localhost[:port]) without path, wildcard or trailing slash",
    ],
  ])("rejects CORS origin %j by its index", (origin, message) => {
    const result = tokenApiConfigSchema.safeParse({ ...base, corsAllowedOrigins: ["https://ok.example.com", origin] });
    expect(result.error?.issues[0]?.path).toEqual(["corsAllowedOrigins", 1]);
    expect(result.error?.issues[0]?.message).toBe(message);
  });

  it.each([
    [
      { plan: { skuName: "F1", instanceCount: 1 } },
      ["plan", "skuName"],
      "skuName must be one of B1-B3, S1-S3, P1v2-P3v2, P0v3-P5v3 (and mv3), P0v4-P5v4, I1v2-I6v2",
    ],
    [
      { plan: { skuName: "B1", instanceCount: 2, zoneRedundant: true } },
      ["plan", "zoneRedundant"],
      "zoneRedundant needs a Premium v2/v3/v4 or Isolated v2 SKU; got B1",
    ],
    [
      { plan: { skuName: "P1v3", instanceCount: 1, zoneRedundant: true } },
      ["plan", "instanceCount"],
      "instanceCount must be at least 2 when zoneRedundant is true",
    ],
    [{ token: { defaultLifetimeMinutes: 30 } }, ["token", "defaultLifetimeMinutes"], "defaultLifetimeMinutes must be 60..1440"],
    [{ token: { minRemainingMinutes: 5 } }, ["token", "minRemainingMinutes"], "minRemainingMinutes must be at least 10"],
  ])("rejects %j", (patch, path, message) => {
    const result = tokenApiConfigSchema.safeParse({ ...base, ...patch });
    expect(result.error?.issues[0]?.path).toEqual(path);
    expect(result.error?.issues[0]?.message).toBe(message);
  });

  it("fills defaults matching docs/interfaces.md", () => {
    const cfg = tokenApiConfigSchema.parse(base);
    expect(cfg).toMatchObject({
      alwaysOn: true,
      corsAllowedOrigins: [],
      acsAuthMode: "key-vault",
      mappingTableName: "acsidentities",
      packagePath: "services/token-api/dist/token-api.zip",
      token: {
        allowedScopes: ["chat.join.limited", "voip.join"],
        defaultLifetimeMinutes: 60,
        maxLifetimeMinutes: 1440,
        minRemainingMinutes: 10,
      },
      rateLimit: { perUserPerMinute: 30, perIpPerMinute: 120 },
      oidc: { requiredScope: "acs.token" },
      conversations: { manageRole: "conversations.manage", joinRoles: {} },
    });
  });

  it("conversations: join roles become CONVERSATIONS_JOIN_ROLES; a bad type or role names the field", () => {
    const cfg = tokenApiConfigSchema.parse({
      ...base,
      conversations: { joinRoles: { case: ["support.agent", "support.lead"], order: ["ops"] } },
    });
    expect(cfg.conversations).toEqual({
      manageRole: "conversations.manage",
      joinRoles: { case: ["support.agent", "support.lead"], order: ["ops"] },
    });
    const badType = tokenApiConfigSchema.safeParse({ ...base, conversations: { joinRoles: { Case: ["a"] } } });
    expect(badType.success ? [] : badType.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["conversations.joinRoles.Case", "joinRoles keys are conversation types (^[a-z][a-z0-9-]{0,31}$)"],
    ]);
    const badRole = tokenApiConfigSchema.safeParse({ ...base, conversations: { joinRoles: { case: ["a|b"] } } });
    expect(badRole.success ? [] : badRole.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["conversations.joinRoles.case.0", "a join role has no spaces, ';', '|' or '='"],
    ]);
  });
});

describe("an Entra ID issuer", () => {
  const issuerMessage = (issuer: string) =>
    `must be https://login.microsoftonline.com/<tenant id>/v2.0 with the tenant id a GUID (Entra admin center, Overview, Tenant ID), the \`iss\` of v2.0 access tokens; got ${JSON.stringify(issuer)}`;
  const audienceMessage = (audience: string) =>
    `must be the token API registration's Application (client) ID, a GUID, when the issuer is Entra ID: the \`aud\` of v2.0 access tokens is always the API's client id; got ${JSON.stringify(audience)}`;
  const issues = (oidc: { issuer: string; audience: string }) =>
    tokenApiConfigSchema.safeParse({ ...base, oidc }).error?.issues.map((i) => [i.path.join("."), i.message]) ?? [];

  it.each([
    ["https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"],
    ["https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111"],
    ["https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0/"],
    ["https://login.microsoftonline.com/common/v2.0"],
  ])("refuses %s, naming the field", (issuer) => {
    expect(issues({ issuer, audience: base.oidc.audience })).toEqual([["oidc.issuer", issuerMessage(issuer)]]);
  });

  it("refuses an api:// audience beside an Entra issuer", () => {
    expect(issues({ issuer: base.oidc.issuer, audience: "api://acs-platform-token" })).toEqual([
      ["oidc.audience", audienceMessage("api://acs-platform-token")],
    ]);
  });

  it("accepts the tenant GUID and client id GUID, and leaves other issuers alone", () => {
    expect(issues(base.oidc)).toEqual([]);
    expect(issues({ issuer: "https://idp.example.com/realms/acs", audience: "api://acs-token" })).toEqual([]);
  });
});

describe("SKU rules", () => {
  it.each([
    ["B1", "Basic", false],
    ["S2", "Standard", false],
    ["P1v2", "PremiumV2", true],
    ["P0v3", "PremiumV3", true],
    ["P1mv3", "PremiumV3", true],
    ["I1v2", "IsolatedV2", true],
    ["F1", undefined, false],
  ])("%s → tier %s, zones %s", (sku, tier, zones) => {
    expect(appServiceSkuFamily(sku)).toBe(tier);
    expect(supportsZoneRedundancy(sku)).toBe(zones);
  });

  it("requires 2+ zone-redundant, always-on instances in prod only", () => {
    const weak = tokenApiConfigSchema.parse({ ...base, plan: { skuName: "P1v3", instanceCount: 1 }, alwaysOn: false });
    expect(tokenApiEnvironmentProblems(weak, "prod")).toEqual([
      { path: ["plan", "instanceCount"], message: "must be at least 2 in prod" },
      { path: ["plan", "zoneRedundant"], message: "must be true in prod (P1v3 supports zones)" },
      { path: ["alwaysOn"], message: "must be true in prod" },
    ]);
    expect(tokenApiEnvironmentProblems(weak, "dev")).toEqual([]);
  });
});

describe("choosePackageSource", () => {
  it("uses the built file whenever it exists", () => {
    for (const mode of ["mock", "preview", "deploy"] as const) {
      expect(choosePackageSource("dist/token-api.zip", true, mode)).toEqual({ kind: "file", path: "dist/token-api.zip" });
    }
  });

  it("uses a placeholder under the mock engine and in a preview", () => {
    expect(choosePackageSource("dist/x.zip", false, "mock")).toEqual({
      kind: "placeholder",
      reason: "package dist/x.zip not built; mock evaluation uses a placeholder",
    });
    expect(choosePackageSource("dist/x.zip", false, "preview").kind).toBe("placeholder");
  });

  it("fails a real deploy without the artifact, saying how to build it", () => {
    expect(() => choosePackageSource("services/token-api/dist/token-api.zip", false, "deploy")).toThrow(
      "token API package not found at services/token-api/dist/token-api.zip. Build it first: run `npm run build` at the repository root (or `npm run build -w services/token-api`), then run `pulumi up` again.",
    );
  });
});
