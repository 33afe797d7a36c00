// The plan's `import` operation for an adopted estate (communication.existing) against each kind of baseline: none
// (every adopted resource `import`), its own earlier plan (all `same`: the import is a no-op once in state), and a
// baseline that deployed ACS under another id (a critical `replace`: Pulumi would import-replace and delete it).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadBaseline } from "../../../tools/plan/diff/baseline";
import { toJson } from "../../../tools/plan/formats/json";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../../tools/plan/harness";
import { buildReport } from "../../../tools/plan/report-builder";
import type { PlanResult } from "../../../tools/plan/types";

const tmp = mkdtempSync(path.join(tmpdir(), "plan-import-"));
const RG = "/subscriptions/a0c50000-0000-4000-8000-000000000001/resourceGroups/rg-legacy/providers/Microsoft.Communication";
const ACS = `${RG}/communicationServices/legacy-acs`;
const DOMAIN = `${RG}/emailServices/legacy-email/domains/AzureManagedDomain`;
const COMMUNICATION = "acs-platform:communication";

let adopted: PlanResult;
let created: PlanResult;

beforeAll(async () => {
  const doc = parseDocument(readFileSync(path.join(DEFAULT_PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8"));
  doc.deleteIn(["config", "acs-platform:email"]);
  doc.setIn(
    ["config", COMMUNICATION, "existing"],
    doc.createNode({
      communicationService: { id: ACS, dataLocation: "Europe", linkedDomains: [DOMAIN] },
      emailService: { id: `${RG}/emailServices/legacy-email`, dataLocation: "Europe" },
      domains: [{ id: DOMAIN, domainManagement: "AzureManaged", userEngagementTracking: "Disabled" }],
    }),
  );
  const file = path.join(tmp, "Pulumi.dev.yaml");
  writeFileSync(file, doc.toString());
  adopted = await evaluateStack({ stack: "dev", configFile: file });
  created = await evaluateStack({ stack: "dev" });
});

async function baselineOf(plan: PlanResult, name: string) {
  const file = path.join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(toJson(await buildReport(plan))));
  return loadBaseline(file);
}
const communication = (r: Awaited<ReturnType<typeof buildReport>>) =>
  r.changes.changes.filter((c) => c.type.startsWith("azure-native:communication:")).map((c) => `${c.op} ${c.type.split(":")[2]}`);

describe("the import operation", () => {
  it("without a baseline: the adopted resources are `import`, counted apart from the creates", async () => {
    const r = await buildReport(adopted);
    expect(communication(r)).toEqual(["import EmailService", "import Domain", "import CommunicationService"]);
    expect(r.changes.counts.import).toBe(3);
  });

  it("against its own earlier plan: nothing to import again, everything the same", async () => {
    const r = await buildReport(adopted, { baseline: await baselineOf(adopted, "adopted") });
    expect(communication(r)).toEqual(["same EmailService", "same Domain", "same CommunicationService"]);
  });

  it("against a stack that imported ACS under another id: a critical replace naming both ids", async () => {
    const acs = adopted.resources.find((x) => x.type === "azure-native:communication:CommunicationService")!;
    const other = `${RG}/communicationServices/other-acs`;
    const file = path.join(tmp, "other-export.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 3,
        deployment: {
          resources: [{ urn: acs.urn, type: acs.type, custom: true, id: other, importID: other, protect: true, inputs: acs.inputs }],
        },
      }),
    );
    const r = await buildReport(adopted, { baseline: loadBaseline(file) });
    const change = r.changes.changes.find((c) => c.urn === acs.urn)!;
    expect([change.op, change.replaceReasons]).toEqual([
      "replace",
      [`imported with ${ACS}, but the baseline holds ${other}: Pulumi replaces the deployed resource by the imported one and deletes it`],
    ]);
    expect(r.changes.critical.map((c) => c.name)).toEqual(["acsplat-communication-acs"]);
  });

  it("against main's plan, which creates ACS under the convention name: a critical replace of it", async () => {
    const r = await buildReport(adopted, { baseline: await baselineOf(created, "created") });
    const acs = r.changes.changes.find((c) => c.type === "azure-native:communication:CommunicationService")!;
    expect(acs.op).toBe("replace");
    expect(acs.replaceReasons).toContain("communicationServiceName is part of the resource's ARM id");
    expect(r.changes.critical.map((c) => c.name)).toContain("acsplat-communication-acs");
  });
});
