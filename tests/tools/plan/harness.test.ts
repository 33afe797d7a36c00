// The plan harness: config reading with secure placeholders, secret masking, engine-exact URNs, parents and
// dependencies, failures before any resource, and the tree the CLI prints.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PROJECT_ROOT, evaluateStack, maskSecrets, readStackConfig, urnOf } from "../../../tools/plan/harness";
import { sharedPlan } from "../../support/shared-plan";
import { renderTree } from "../../../tools/plan/tree";
import { SECRET_PLACEHOLDER, type PlanResult, type PlannedResource } from "../../../tools/plan/types";

const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };
const tmp = mkdtempSync(path.join(tmpdir(), "plan-harness-"));

describe("readStackConfig", () => {
  it("flattens structured values to JSON and replaces secure values with the placeholder", () => {
    const file = path.join(tmp, "Pulumi.t.yaml");
    writeFileSync(
      file,
      [
        "config:",
        "  azure-native:location: westeurope",
        "  acs-platform:appName: acsplat",
        "  appOnly: 3",
        "  acs-platform:token:",
        "    secure: v1:AAAABBBB",
        "  acs-platform:nested:",
        "    user: x",
        "    password:",
        "      secure: v1:CCCC",
      ].join("\n"),
    );
    expect(readStackConfig(file, "acs-platform")).toEqual({
      values: {
        "azure-native:location": "westeurope",
        "acs-platform:appName": "acsplat",
        "acs-platform:appOnly": "3",
        "acs-platform:token": SECRET_PLACEHOLDER,
        "acs-platform:nested": JSON.stringify({ user: "x", password: SECRET_PLACEHOLDER }),
      },
      secretKeys: ["acs-platform:token", "acs-platform:nested"],
    });
  });

  it("names the missing file", () => {
    expect(() => readStackConfig(path.join(tmp, "Pulumi.none.yaml"), "p")).toThrow(
      `stack config file not found: ${path.join(tmp, "Pulumi.none.yaml")}`,
    );
  });
});

describe("maskSecrets", () => {
  it("replaces secrets at any depth and reports their paths", () => {
    expect(maskSecrets({ a: 1, properties: { value: SECRET_SIG }, list: [{ x: SECRET_SIG }] })).toEqual({
      value: { a: 1, properties: { value: SECRET_PLACEHOLDER }, list: [{ x: SECRET_PLACEHOLDER }] },
      secretPaths: ["properties.value", "list[0].x"],
    });
  });
});

describe("urnOf", () => {
  it.each([
    ["", "pulumi:pulumi:Stack", "p-dev", "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev"],
    ["urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev", "a:b:C", "c", "urn:pulumi:dev::p::a:b:C::c"],
    ["urn:pulumi:dev::p::a:b:C::c", "x:y:Z", "z", "urn:pulumi:dev::p::a:b:C$x:y:Z::z"],
    ["urn:pulumi:dev::p::a:b:C$x:y:Z::z", "k:l:M", "m", "urn:pulumi:dev::p::a:b:C$x:y:Z$k:l:M::m"],
  ])("parent %s + %s", (parent, type, name, expected) => {
    expect(urnOf("p", "dev", parent, type, name)).toBe(expected);
  });
});

describe("evaluateStack (dev)", () => {
  let plan: PlanResult;
  const byName = (name: string): PlannedResource => {
    const r = plan.resources.find((x) => x.name === name);
    if (r === undefined) throw new Error(`no resource ${name}`);
    return r;
  };
  const urn = (qualifiedType: string, name: string) => `urn:pulumi:dev::acs-platform::${qualifiedType}::${name}`;

  beforeAll(async () => {
    plan = await sharedPlan("dev");
  });

  it("records the root stack without parent and every other resource with a recorded parent", () => {
    const stack = plan.resources[0] as PlannedResource;
    expect(stack).toMatchObject({
      type: "pulumi:pulumi:Stack",
      name: "acs-platform-dev",
      parent: undefined,
      custom: false,
      urn: urn("pulumi:pulumi:Stack", "acs-platform-dev"),
    });
    const urns = new Set(plan.resources.map((r) => r.urn));
    expect(urns.size).toBe(plan.resources.length);
    for (const r of plan.resources.slice(1)) {
      expect(urns.has(r.parent ?? "")).toBe(true);
      for (const d of r.dependencies) expect(urns.has(d)).toBe(true);
    }
  });

  it("records the parent and dependencies of the connection-string secret exactly", () => {
    const secret = byName("acsplat-secrets-acs-connection-string");
    expect(secret.urn).toBe(urn("acs:keyvault:SecretStore$azure-native:keyvault:Secret", "acsplat-secrets-acs-connection-string"));
    expect(secret.parent).toBe(urn("acs:keyvault:SecretStore", "acsplat-secrets"));
    expect([...secret.dependencies].sort()).toEqual(
      [
        urn("acs:communication:CommunicationServices$azure-native:communication:CommunicationService", "acsplat-communication-acs"),
        urn("azure-native:resources:ResourceGroup", "acsplat-rg"),
        urn("acs:keyvault:SecretStore$azure-native:keyvault:Vault", "acsplat-secrets-vault"),
      ].sort(),
    );
  });

  it("records a diagnostic setting's dependencies on its target and on the workspace", () => {
    const diag = byName("acsplat-secrets-vault-diagnostics");
    expect([...diag.dependencies].sort()).toEqual(
      [
        urn("acs:operationalinsights:Observability$azure-native:operationalinsights:Workspace", "acsplat-observability-workspace"),
        urn("acs:keyvault:SecretStore$azure-native:keyvault:Vault", "acsplat-secrets-vault"),
      ].sort(),
    );
  });

  it("top-level resources hang off the stack, and the component has no inputs", () => {
    expect(byName("acsplat-rg").parent).toBe(urn("pulumi:pulumi:Stack", "acs-platform-dev"));
    expect(byName("acsplat-secrets")).toMatchObject({ custom: false, inputs: {}, dependencies: [], secretPaths: [] });
  });

  it("loads azure-native per module: the root index (every Azure service) is never required", () => {
    const loaded = Object.keys(require.cache).filter((f) => f.includes("@pulumi/azure-native/"));
    expect(loaded).toContain(path.join(DEFAULT_PROJECT_ROOT, "node_modules/@pulumi/azure-native/communication/index.js"));
    expect(loaded).not.toContain(path.join(DEFAULT_PROJECT_ROOT, "node_modules/@pulumi/azure-native/index.js"));
  });

  it("masks the secret stack output", () => {
    expect(plan.outputs["appInsightsConnectionString"]).toBe(SECRET_PLACEHOLDER);
    expect(JSON.stringify(plan)).not.toContain("accesskey=");
  });

  it("draws the stack root first, as a create when there is no baseline", () => {
    expect(renderTree(plan).split("\n")[0]).toBe("+  pulumi:pulumi:Stack  acs-platform-dev");
  });
});

describe("evaluateStack failures", () => {
  it("fails with the named config error before any Azure resource is declared", async () => {
    const dev = readFileSync(path.join(DEFAULT_PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
    const file = path.join(tmp, "Pulumi.mars.yaml");
    writeFileSync(file, dev.replace("acs-platform:dataLocation: Europe", "acs-platform:dataLocation: Mars"));
    await expect(evaluateStack({ stack: "mars", configFile: file })).rejects.toThrow(
      'acs-platform:dataLocation must be one of Africa, Asia Pacific, Australia, Brazil, Canada, Europe, France, Germany, India, Japan, Korea, Norway, Switzerland, UAE, UK, United States; got "Mars"',
    );
  });
});

describe("renderTree", () => {
  it("draws each resource under its parent, in registration order, then the outputs sorted by name with mock values marked", () => {
    const r = (urn: string, type: string, name: string, parent?: string, custom = true): PlannedResource => ({
      urn,
      type,
      name,
      parent,
      custom,
      dependencies: [],
      inputs: {},
      secretPaths: [],
      options: {},
    });
    const tree = renderTree({
      project: "p",
      stack: "s",
      programMs: 12,
      outputs: { b: "x", a: SECRET_PLACEHOLDER, c: "https://h-mock-1234.example/" },
      mockValues: [{ value: "h-mock-1234", urn: "V" }],
      mockOutputs: ["c"],
      resources: [
        r("S", "pulumi:pulumi:Stack", "p-s", undefined, false),
        r("C", "acs:keyvault:SecretStore", "store", "S", false),
        r("V", "azure-native:keyvault:Vault", "vault", "C"),
        r("K", "azure-native:keyvault:Secret", "secret", "C"),
        r("G", "azure-native:resources:ResourceGroup", "rg", "S"),
      ],
    });
    expect(tree).toBe(
      [
        "+  pulumi:pulumi:Stack  p-s",
        "├─ +  acs:keyvault:SecretStore  store",
        "│  ├─ +  azure-native:keyvault:Vault  vault",
        "│  └─ +  azure-native:keyvault:Secret  secret",
        "└─ +  azure-native:resources:ResourceGroup  rg",
        "",
        "Outputs:",
        '  a: "[secret]"',
        '  b: "x"',
        '  c: "https://h-mock-1234.example/"  (mock value: Azure returns the real one)',
      ].join("\n"),
    );
  });
});

describe("resource options", () => {
  it("records protect, ignoreChanges, import, retainOnDelete, deleteBeforeReplace, replaceOnChanges and explicit dependsOn", async () => {
    const { evaluateProgram } = await import("../../../tools/plan/harness");
    const resources = await import("@pulumi/azure-native/resources");
    const storage = await import("@pulumi/azure-native/storage");
    const planned = await evaluateProgram(
      () => {
        const rg = new resources.ResourceGroup("rg", { resourceGroupName: "rg-x" });
        const other = new resources.ResourceGroup("other", { resourceGroupName: "rg-y" });
        new storage.StorageAccount(
          "st",
          { resourceGroupName: rg.name, accountName: "stx", kind: "StorageV2", sku: { name: "Standard_LRS" } },
          {
            protect: true,
            ignoreChanges: ["tags"],
            import: "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Storage/storageAccounts/stx",
            retainOnDelete: true,
            deleteBeforeReplace: true,
            replaceOnChanges: ["kind"],
            dependsOn: [other],
          },
        );
      },
      { project: "p", stack: "dev" },
    );
    const st = planned.resources.find((r) => r.name === "st")!;
    expect(st.options).toEqual({
      protect: true,
      ignoreChanges: ["tags"],
      deleteBeforeReplace: true,
      import: "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Storage/storageAccounts/stx",
      retainOnDelete: true,
      // rg flows in through resourceGroupName, so only `other` is an explicit dependsOn.
      dependsOn: ["urn:pulumi:dev::p::azure-native:resources:ResourceGroup::other"],
      replaceOnChanges: ["kind"],
    });
    expect(st.source?.uri).toMatch(/harness\.test\.ts$/);
  });
});
