// Tests for the policy runner's engine emulation: config parsing and reconciliation like the Pulumi CLI
// (defaults, "all", per-policy levels, schema errors naming the key), levels as the engine reports them, and
// stack policies seeing parents and dependencies as objects.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Policies, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { allPolicies } from "../../../policies/policies";
import { keyvaultVaultEnablePurgeProtection } from "../../../policies/keyvault-vault-enable-purge-protection";
import { keyvaultVaultEnableSoftDelete } from "../../../policies/keyvault-vault-enable-soft-delete";
import {
  analyzeResource,
  analyzeStack,
  exitCodeFor,
  loadPolicyConfig,
  parsePolicyConfig,
  PolicyConfigError,
  reconcilePolicyConfig,
  runPolicies,
} from "../../../tools/plan/policy-runner";

const VAULT = "azure-native:keyvault:Vault";
const vault = {
  urn: "urn:pulumi:prod::acs-platform::azure-native:keyvault:Vault::kv",
  type: VAULT,
  name: "kv",
  inputs: { properties: { enablePurgeProtection: false, softDeleteRetentionInDays: 7 } },
};
const pair: Policies = [keyvaultVaultEnablePurgeProtection, keyvaultVaultEnableSoftDelete];

describe("policy config reconciliation", () => {
  it("fills schema defaults the way the CLI does", () => {
    const { config } = reconcilePolicyConfig(new Map(), pair);
    expect(config.get("keyvault-vault-enable-soft-delete")).toEqual({
      enforcementLevel: "mandatory",
      properties: { minRetentionDays: 90 },
    });
  });
  it("applies 'all' first, then per-policy levels and knobs", () => {
    const given = parsePolicyConfig({
      all: "advisory",
      "keyvault-vault-enable-soft-delete": { enforcementLevel: "mandatory", minRetentionDays: 7 },
    });
    const { config } = reconcilePolicyConfig(given, pair);
    expect(config.get("keyvault-vault-enable-purge-protection")!.enforcementLevel).toBe("advisory");
    expect(config.get("keyvault-vault-enable-soft-delete")).toEqual({ enforcementLevel: "mandatory", properties: { minRetentionDays: 7 } });
  });
  it("rejects an invalid level, listing the valid ones", () => {
    expect(() => parsePolicyConfig({ "keyvault-vault-enable-purge-protection": "strict" })).toThrow(
      '"keyvault-vault-enable-purge-protection": "strict" is not a valid enforcement level; accepted: advisory, mandatory, remediate, disabled',
    );
  });
  it("rejects a knob outside its schema, naming the policy and the key", () => {
    const given = parsePolicyConfig({ "keyvault-vault-enable-soft-delete": { minRetentionDays: 3 } });
    expect(() => reconcilePolicyConfig(given, pair)).toThrow(PolicyConfigError);
    try {
      reconcilePolicyConfig(given, pair);
    } catch (e) {
      expect((e as PolicyConfigError).details).toEqual(["keyvault-vault-enable-soft-delete: minRetentionDays: must be >= 7"]);
    }
  });
  it("rejects a config entry for a policy the pack does not have, suggesting the nearest name", () => {
    // The CLI ignores such an entry, so a typo would silently leave the real policy at its default level.
    expect(() => reconcilePolicyConfig(parsePolicyConfig({ "keyvault-vault-enable-purge-protect": "disabled" }), pair)).toThrow(
      'policy config is invalid: "keyvault-vault-enable-purge-protect" is not a policy of the pack (did you mean "keyvault-vault-enable-purge-protection"?)',
    );
  });
  it("rejects a knob the policy does not have, listing the accepted ones", () => {
    const given = parsePolicyConfig({ "keyvault-vault-enable-soft-delete": { minRetentonDays: 90 } });
    expect(() => reconcilePolicyConfig(given, pair)).toThrow(
      "policy config is invalid: keyvault-vault-enable-soft-delete: unknown knob(s) minRetentonDays; accepted: minRetentionDays",
    );
  });
  it("loads both environment files without errors or warnings", () => {
    for (const env of ["dev", "prod"]) {
      const { warnings } = loadPolicyConfig(path.join(__dirname, "../../../policies/config", `${env}.json`), allPolicies);
      expect(warnings).toEqual([]);
    }
  });
  it("purge protection is mandatory in both (dev's vault is a reviewed exception); the managed-domain ban is advisory in dev", () => {
    const dev = loadPolicyConfig(path.join(__dirname, "../../../policies/config/dev.json")).config;
    const prod = loadPolicyConfig(path.join(__dirname, "../../../policies/config/prod.json")).config;
    expect([dev, prod].map((c) => c.get("keyvault-vault-enable-purge-protection")!.enforcementLevel)).toEqual(["mandatory", "mandatory"]);
    const ban = "communication-domain-disallow-azure-managed";
    expect([dev.get(ban)!.enforcementLevel, prod.get(ban)!.enforcementLevel]).toEqual(["advisory", "mandatory"]);
  });
  it("reports a missing file and invalid JSON as config errors", () => {
    expect(() => loadPolicyConfig("/nonexistent/policy.json")).toThrow("/nonexistent/policy.json: policy config file not found");
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pc-")), "bad.json");
    fs.writeFileSync(bad, '{\n  "all": "advisory"\n  "x": 1\n}');
    expect(() => loadPolicyConfig(bad)).toThrow(PolicyConfigError);
    // JSON.parse reports a character offset; the message turns it into the line and column an editor shows.
    expect(() => loadPolicyConfig(bad)).toThrow(/bad\.json: line 3, column 3: not valid JSON/);
  });
});

describe("levels as the engine reports them", () => {
  const run = async (doc: unknown) => {
    const { config } = reconcilePolicyConfig(parsePolicyConfig(doc), pair);
    return (await analyzeResource(vault, config, pair)).results.map((r) => [r.policy, r.level]);
  };
  it("mandatory and advisory are reported as configured", async () => {
    expect(await run({ "keyvault-vault-enable-soft-delete": "advisory" })).toEqual([
      ["keyvault-vault-enable-purge-protection", "mandatory"],
      ["keyvault-vault-enable-soft-delete", "advisory"],
    ]);
  });
  it("remediate is reported as mandatory (no remediation in this pack)", async () => {
    expect(await run({ all: "remediate" })).toEqual([
      ["keyvault-vault-enable-purge-protection", "mandatory"],
      ["keyvault-vault-enable-soft-delete", "mandatory"],
    ]);
  });
  it("disabled policies do not run", async () => {
    expect(await run({ "keyvault-vault-enable-purge-protection": "disabled" })).toEqual([
      ["keyvault-vault-enable-soft-delete", "mandatory"],
    ]);
  });
  it("the exit code is 1 only with a mandatory result", () => {
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor([{ policy: "p", level: "advisory", message: "m", description: "d", kind: "violation" }])).toBe(0);
    expect(exitCodeFor([{ policy: "p", level: "mandatory", message: "m", description: "d", kind: "violation" }])).toBe(1);
  });
  it("a recorded [unknown] input reaches the policy as the engine's unknown sentinel", async () => {
    const { config } = reconcilePolicyConfig(new Map(), pair);
    const r = await runPolicies(
      {
        resources: [
          {
            ...vault,
            inputs: { properties: { enablePurgeProtection: "[unknown]" } },
            dependencies: [],
            secretPaths: [],
            custom: true,
            options: {},
          },
        ],
      },
      config,
      [keyvaultVaultEnablePurgeProtection],
    );
    expect(r.results.map((x) => [x.level, x.kind])).toEqual([["advisory", "unknown"]]);
  });
});

describe("stack policies see the stack as the engine builds it", () => {
  it("parents and dependencies are resolved to resource objects; resource options are present", async () => {
    let seen: unknown;
    const probe: StackValidationPolicy = {
      name: "test-stack-probe-only",
      description: "Records what a stack policy sees.",
      validateStack: (args) => {
        seen = args.resources.map((r) => ({
          name: r.name,
          parent: r.parent?.name,
          deps: r.dependencies.map((d) => d.name),
          protect: r.opts.protect,
          provider: r.provider?.type,
        }));
      },
    };
    const { config } = reconcilePolicyConfig(new Map(), [probe]);
    await analyzeStack(
      [
        {
          urn: "urn:pulumi:s::p::acs:keyvault:SecretStore::store",
          type: "acs:keyvault:SecretStore",
          name: "store",
          inputs: {},
          custom: false,
        },
        {
          urn: "urn:pulumi:s::p::acs:keyvault:SecretStore$azure-native:keyvault:Vault::kv",
          type: VAULT,
          name: "kv",
          inputs: {},
          parent: "urn:pulumi:s::p::acs:keyvault:SecretStore::store",
          options: { protect: true },
        },
        {
          urn: "urn:pulumi:s::p::azure-native:monitor:DiagnosticSetting::d",
          type: "azure-native:monitor:DiagnosticSetting",
          name: "d",
          inputs: {},
          dependencies: ["urn:pulumi:s::p::acs:keyvault:SecretStore$azure-native:keyvault:Vault::kv"],
        },
      ],
      config,
      [probe],
    );
    expect(seen).toEqual([
      { name: "store", parent: undefined, deps: [], protect: false, provider: undefined },
      { name: "kv", parent: "store", deps: [], protect: true, provider: "pulumi:providers:azure-native" },
      { name: "d", parent: undefined, deps: ["kv"], protect: false, provider: "pulumi:providers:azure-native" },
    ]);
  });
});
