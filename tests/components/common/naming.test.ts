// Naming and tagging helpers: every generated name passes its Azure rule, long and odd inputs stay valid and
// distinct, names are deterministic, and the required tags always win.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  NAME_RULES,
  REGION_CODES,
  actionGroupShortName,
  deterministicGuid,
  nameRuleViolation,
  resourceName,
  sanitizeSegment,
  stackSuffix,
  type NamingContext,
  type ResourceKind,
} from "../../../components/common/naming";
import { mergeTags } from "../../../components/common/tags";

const KINDS = Object.keys(NAME_RULES) as ResourceKind[];
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const ctx = (
  app: string,
  env: string,
  region = "westeurope",
  suffix = stackSuffix("acs-platform", `${app}-${env}`, SUBSCRIPTION),
): NamingContext => ({
  app,
  env,
  region,
  suffix,
});

// Independent statement of the Azure rules (Microsoft Learn resource-name-rules), not derived from NAME_RULES.
const AZURE_RULES: Record<ResourceKind, RegExp> = {
  resourceGroup: /^[a-z0-9-]{1,90}$/,
  communicationService: /^(?=.{1,63}$)[a-z][a-z0-9-]*[a-z0-9]$/,
  emailService: /^(?=.{1,63}$)[a-z][a-z0-9-]*[a-z0-9]$/,
  keyVault: /^(?=.{3,24}$)[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/,
  storageAccount: /^[a-z0-9]{3,24}$/,
  webApp: /^(?=.{2,60}$)[a-z0-9][a-z0-9-]*[a-z0-9]$/,
  appServicePlan: /^[a-z0-9-]{1,60}$/,
  logAnalyticsWorkspace: /^(?=.{4,63}$)[a-z0-9][a-z0-9-]*[a-z0-9]$/,
  applicationInsights: /^[a-z0-9-]{1,255}$/,
  actionGroup: /^[a-z0-9-]{1,260}$/,
  eventGridSystemTopic: /^[a-z0-9-]{3,128}$/,
  userAssignedIdentity: /^(?=.{3,128}$)[a-z][a-z0-9-]*$/,
  virtualNetwork: /^(?=.{2,64}$)[a-z0-9][a-z0-9_.-]*[a-z0-9_]$/,
  subnet: /^(?=.{1,80}$)[a-z0-9]([a-z0-9_.-]*[a-z0-9_])?$/,
  privateEndpoint: /^(?=.{2,64}$)[a-z0-9][a-z0-9_.-]*[a-z0-9_]$/,
  privateDnsZoneLink: /^(?=.{1,80}$)[a-z0-9]([a-z0-9_.-]*[a-z0-9_])?$/,
  networkSecurityGroup: /^(?=.{1,80}$)[a-z0-9]([a-z0-9_.-]*[a-z0-9_])?$/,
  natGateway: /^(?=.{1,80}$)[a-z0-9]([a-z0-9_.-]*[a-z0-9_])?$/,
  publicIpAddress: /^(?=.{1,80}$)[a-z0-9]([a-z0-9_.-]*[a-z0-9_])?$/,
};

describe("resourceName", () => {
  it.each<[ResourceKind, NamingContext, string]>([
    ["resourceGroup", ctx("acsplat", "dev", "westeurope", "8tufq"), "rg-acsplat-dev-weu"],
    ["communicationService", ctx("acsplat", "dev", "westeurope", "8tufq"), "acs-acsplat-dev-weu-8tufq"],
    ["emailService", ctx("acsplat", "prod", "westeurope", "pmnwl"), "ecs-acsplat-prod-weu-pmnwl"],
    ["keyVault", ctx("acsplat", "dev", "westeurope", "8tufq"), "kv-acsplat-dev-weu-8tufq"],
    // 25 characters in full: the app part becomes a prefix plus a hash; the environment stays readable.
    ["keyVault", ctx("acsplat", "prod", "westeurope", "pmnwl"), "kv-acotw6-prod-weu-pmnwl"],
    ["storageAccount", ctx("acs-plat", "prod", "northeurope", "pmnwl"), "stacsplatprodneupmnwl"],
    ["logAnalyticsWorkspace", ctx("acsplat", "prod", "eastus2", "pmnwl"), "log-acsplat-prod-eus2"],
    ["actionGroup", ctx("My App!", "Dev", "uksouth", "x"), "ag-my-app-dev-uks"],
  ])("%s for %j is %s", (kind, context, expected) => {
    expect(resourceName(kind, context)).toBe(expected);
  });

  it("adds a qualifier after the application name", () => {
    // "stacsplateventsdevweu8tufq" has 26 characters: app + qualifier become a prefix plus a hash.
    expect(resourceName("storageAccount", ctx("acsplat", "dev", "westeurope", "8tufq"), "events")).toBe("stacsplat63w2devweu8tufq");
    expect(resourceName("webApp", ctx("acsplat", "dev", "westeurope", "8tufq"), "token-api")).toBe("app-acsplat-token-api-dev-weu-8tufq");
  });

  it("rejects an unknown region with the accepted list", () => {
    expect(() => resourceName("keyVault", ctx("acsplat", "dev", "mars"))).toThrow(
      `region must be one of ${Object.keys(REGION_CODES).join(", ")}; got "mars"`,
    );
  });

  it("rejects an application name without letters or digits", () => {
    expect(() => resourceName("keyVault", ctx("!!!", "", "westeurope"))).toThrow(
      'name for keyVault: app and env must contain at least one letter or digit; got "!!!", ""',
    );
  });

  const apps = [
    "a",
    "acs",
    "acsplat",
    "acs-platform",
    "contoso-communication-platform-for-customer-notifications",
    "My_App.v2",
    "ÄÖÜ-mail",
    "x".repeat(90),
    "9lives",
  ];
  const envs = ["dev", "prod", "test", "staging", "integration-test", "pr-1234"];
  const regions = ["westeurope", "eastus2", "southafricanorth", "germanywestcentral"];
  const contexts = apps.flatMap((app) => envs.flatMap((env) => regions.map((region) => ctx(app, env, region))));

  it(`every name of ${contexts.length} app/env/region combinations passes its Azure rule`, () => {
    const failures: string[] = [];
    for (const c of contexts) {
      for (const kind of KINDS) {
        const name = resourceName(kind, c);
        if (!AZURE_RULES[kind].test(name) || nameRuleViolation(kind, name) !== undefined) failures.push(`${kind}: ${name}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("two different stacks never get the same name of any type", () => {
    for (const kind of KINDS) {
      const names = contexts.map((c) => resourceName(kind, c));
      expect({ kind, distinct: new Set(names).size }).toEqual({ kind, distinct: contexts.length });
    }
  });

  it("long names that share a prefix still differ", () => {
    const a = resourceName("keyVault", ctx("contoso-communication-platform-a", "prod"));
    const b = resourceName("keyVault", ctx("contoso-communication-platform-b", "prod"));
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(24);
  });

  it("is deterministic", () => {
    // Pinned: a change to the hash or the layout renames every deployed resource.
    expect(resourceName("keyVault", ctx("x".repeat(60), "staging"))).toBe("kv-xxxxxxxg4jv-weu-ceso4");
    expect(stackSuffix("acs-platform", "prod", SUBSCRIPTION)).toBe("pmnwl");
    expect(stackSuffix("acs-platform", "dev", SUBSCRIPTION)).toBe("8tufq");
  });

  it("differs for the same project and stack in two subscriptions, and ignores the id's case", () => {
    const other = "22222222-2222-2222-2222-222222222222";
    expect([stackSuffix("acs-platform", "dev", SUBSCRIPTION), stackSuffix("acs-platform", "dev", other)]).toEqual(["8tufq", "5kpeo"]);
    expect(stackSuffix("acs-platform", "dev", "AAAAAAAA-0000-0000-0000-000000000000")).toBe(
      stackSuffix("acs-platform", "dev", "aaaaaaaa-0000-0000-0000-000000000000"),
    );
    expect(() => stackSuffix("acs-platform", "dev", "")).toThrow('the subscription id of the name suffix must be a GUID; got ""');
  });

  it("any application and environment text yields valid names (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.string({ minLength: 1, maxLength: 20 }), (app, env) => {
        fc.pre(sanitizeSegment(app + env) !== "");
        for (const kind of KINDS) {
          const name = resourceName(kind, ctx(app, env));
          if (nameRuleViolation(kind, name) !== undefined || !AZURE_RULES[kind].test(name)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe("actionGroupShortName", () => {
  it.each([
    [{ app: "acsplat", env: "prod" }, "acsplat-prod"],
    [{ app: "acs", env: "dev" }, "acs-dev"],
    [{ app: "contoso-notifications", env: "prod" }, expect.stringMatching(/^contoso-[a-z0-9]{4}$/)],
  ])("%j -> %s", (input, expected) => {
    const short = actionGroupShortName(input);
    expect(short).toEqual(expected);
    expect(short.length).toBeLessThanOrEqual(12);
  });
});

describe("deterministicGuid", () => {
  it("is stable and GUID-shaped", () => {
    const guid = deterministicGuid("secrets", "kv-x", "4633458b-17de-408a-b874-0445c86b69e6", "0");
    // Pinned: role assignment names are these GUIDs; a change would replace every assignment.
    expect(guid).toBe("96140ff9-55a6-5aee-828e-6a492fff4a03");
    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicGuid("a")).not.toBe(deterministicGuid("b"));
  });
});

describe("mergeTags", () => {
  const required = { env: "prod", owner: "team", costCenter: "CC-1", dataClassification: "confidential", service: "acs" };
  it("adds extra tags and never lets them override a required tag", () => {
    expect(mergeTags(required, { component: "vault", env: "dev" }, undefined)).toEqual({ ...required, component: "vault" });
  });
});
