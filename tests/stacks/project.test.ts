// The project files Pulumi reads: Pulumi.yaml runs stacks/index.ts through tsx, every stack file validates, and
// the program imports azure-native per module only (the root package loads every Azure service).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROJECT_ROOT, readStackConfig } from "../../tools/plan/harness";
import { parseConfig, rawConfigFromPulumi } from "../../stacks/config";

const root = DEFAULT_PROJECT_ROOT;

describe("Pulumi.yaml", () => {
  it("declares a nodejs program in stacks/ that the runtime loads through tsx", () => {
    const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    expect(project).toMatchObject({
      name: "acs-platform",
      runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } },
      main: "stacks/index.ts",
    });
    expect(existsSync(path.join(root, "stacks/index.ts"))).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).toContain("tsx");
  });
});

describe("stack files", () => {
  const stacks = readdirSync(root).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f));

  it("exist for dev and prod", () => {
    expect(stacks.sort()).toEqual(["Pulumi.dev.yaml", "Pulumi.prod.yaml"]);
  });

  it.each(stacks)("%s passes validation and names its own environment", (file) => {
    const config = parseConfig(rawConfigFromPulumi(readStackConfig(path.join(root, file), "acs-platform").values));
    expect(config.environment).toBe(file.split(".")[1]);
  });

  it("prod is stricter than dev where a team would choose so", () => {
    const load = (s: string) =>
      parseConfig(rawConfigFromPulumi(readStackConfig(path.join(root, `Pulumi.${s}.yaml`), "acs-platform").values));
    const dev = load("dev");
    const prod = load("prod");
    expect([dev.keyVault.enablePurgeProtection, prod.keyVault.enablePurgeProtection]).toEqual([false, true]);
    expect([dev.keyVault.deleteLock, prod.keyVault.deleteLock]).toEqual([false, true]);
    expect(prod.logAnalytics.retentionInDays).toBeGreaterThan(dev.logAnalytics.retentionInDays);
    expect(prod.email?.domains.map((d) => d.kind)).toEqual(["CustomerManaged"]);
    expect(prod.keyVault.allowedIpRanges.length).toBeGreaterThan(0);
  });
});

describe("imports", () => {
  it("no program or component file imports the azure-native root package", () => {
    const files = [
      "stacks",
      "components",
      ...readdirSync(path.join(root, "components"), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `components/${d.name}`),
    ].flatMap((dir) =>
      readdirSync(path.join(root, dir))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(dir, f)),
    );
    const offenders = files.filter((f) =>
      /from "@pulumi\/azure-native"|require\("@pulumi\/azure-native"\)/.test(readFileSync(path.join(root, f), "utf8")),
    );
    expect(files.length).toBeGreaterThan(8);
    expect(offenders).toEqual([]);
  });
});
