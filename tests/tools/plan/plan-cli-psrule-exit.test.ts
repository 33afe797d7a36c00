// The PSRule rules of issue #29 through `npm run plan` in a fresh process: prod's plan passes with its three reviewed
// exceptions (Azure.Log.Replication, and the package account's Azure.Storage.LocalAuth and Azure.Storage.Firewall)
// listed as excepted, and a copy of Pulumi.prod.yaml on a Basic plan exits 1 naming the policies that hold
// Azure.AppService.MinPlan and Azure.AppService.AvailabilityZone. (Every rule in process: tests/stacks/psrule-rules-on-stacks.test.ts.)
import { describe, expect, it } from "vitest";
import { stackFileCopy } from "../../support/stack-files";
import { plan as runPlanCli } from "./run-plan";

interface JsonPlan {
  resources: Array<{ urn: string; name: string }>;
  results: Array<{ policy: string; urn: string; level: string; exception: { psRule?: string } | null }>;
  summary: { mandatory: number; excepted: number; exitCode: number };
}

const rows = (doc: JsonPlan, excepted: boolean) => {
  const names = new Map(doc.resources.map((x) => [x.urn, x.name]));
  return doc.results
    .filter((x) => x.level === "mandatory" && (x.exception !== null) === excepted)
    .map((x) => `${x.policy} | ${names.get(x.urn) ?? ""}${x.exception?.psRule ? ` | ${x.exception.psRule}` : ""}`);
};

describe("PSRule rules through `npm run plan`", () => {
  it("prod as committed: exit 0, the workspace's replication and the package account reported as excepted", async () => {
    const r = await runPlanCli(["--stack", "prod", "--format", "json"]);
    const doc = JSON.parse(r.stdout) as JsonPlan;
    expect([r.code, rows(doc, false), rows(doc, true)]).toEqual([
      0,
      [],
      [
        "loganalytics-workspace-enable-replication | acsplat-observability-workspace | Azure.Log.Replication",
        "storage-account-configure-public-network-access | acsplat-token-api-packages | Azure.Storage.Firewall",
        "storage-account-disable-shared-key-access | acsplat-token-api-packages | Azure.Storage.LocalAuth",
      ],
    ]);
  });

  it("prod on B1 (a stack-file copy): exit 1 naming the minimum-tier and zone-redundancy policies", async () => {
    const file = stackFileCopy(
      "prod",
      (c) => void (c["acs-platform:tokenApi"].plan = { skuName: "B1", instanceCount: 2, zoneRedundant: false }),
    );
    const r = await runPlanCli(["--stack", "prod", "--config-file", file, "--format", "json"]);
    const doc = JSON.parse(r.stdout) as JsonPlan;
    expect([r.code, rows(doc, false)]).toEqual([
      1,
      [
        "web-appserviceplan-enforce-minimum-tier | acsplat-token-api-plan",
        "web-appserviceplan-enable-zone-redundancy | acsplat-token-api-plan",
        "web-appserviceplan-enable-zone-redundancy | acsplat-token-api-plan",
      ],
    ]);
  });
});
