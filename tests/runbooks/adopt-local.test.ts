// Adopting an existing estate end to end against the emulator: an ACS resource, an Email service, its domain and a
// sender are created beforehand through the emulator's ARM surface (the real @azure/arm-communication client);
// `npm run adopt -- --local --write` writes the communication.existing block into a copy of the dev stack file; the
// plan of that stack shows the four as `import` under their existing names and creates the rest; with --compare
// against the adopt snapshot it shows what the first `up` changes on them. A stack whose data location contradicts
// the resource's is refused, naming the property.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { parse as parseYaml } from "yaml";
import { EmulatorCredential, startEmulator, type EmulatorHandle } from "../../tools/acs-emulator/index";
import { clientOptions } from "../tools/acs-emulator/helpers";
import { plan } from "../tools/plan/run-plan";

const root = path.resolve(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "adopt-local-"));
let emulator: EmulatorHandle;
let envFile: string;
let base: string;

function adopt(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(root, "runbooks", "adopt.ts"), ...args],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A copy of Pulumi.dev.yaml, with `edit` applied to its text. */
function devCopy(name: string, edit: (text: string) => string = (t) => t): string {
  const file = path.join(tmp, name, "Pulumi.dev.yaml");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, edit(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")));
  return file;
}

/** The existing estate's sending domain. */
const DOMAIN = "legacy.example.com";

beforeAll(async () => {
  emulator = await startEmulator({});
  const arm = new CommunicationServiceManagementClient(new EmulatorCredential(), emulator.subscriptionId, {
    ...clientOptions(emulator),
    endpoint: emulator.armBaseUrl,
  });
  const rg = emulator.resourceGroupName;
  base = `/subscriptions/${emulator.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Communication`;
  // The estate a team created before the cut-off, through ARM as the portal or a template would.
  await arm.emailServices.beginCreateOrUpdateAndWait(rg, "legacy-email", {
    location: "global",
    dataLocation: "Europe",
    tags: { team: "comms" },
  });
  // A customer-managed domain, verified: Azure allows extra senders only on such a domain (with raised sending limits;
  // https://learn.microsoft.com/azure/communication-services/quickstarts/email/add-multiple-senders).
  await arm.domains.beginCreateOrUpdateAndWait(rg, "legacy-email", DOMAIN, {
    location: "global",
    domainManagement: "CustomerManaged",
    userEngagementTracking: "Disabled",
  });
  for (const verificationType of ["Domain", "SPF", "DKIM", "DKIM2", "DMARC"] as const) {
    await arm.domains.beginInitiateVerificationAndWait(rg, "legacy-email", DOMAIN, { verificationType });
  }
  // Each read advances a requested verification (the emulator's fake DNS holds every record).
  for (let i = 0; i < 10; i += 1) {
    const states = (await arm.domains.get(rg, "legacy-email", DOMAIN)).verificationStates ?? {};
    if (Object.values(states).every((v) => (v as { status?: string }).status === "Verified")) break;
  }
  await arm.senderUsernames.createOrUpdate(rg, "legacy-email", DOMAIN, "alerts", {
    username: "alerts",
    displayName: "Alerts",
  });
  await arm.communicationServices.beginCreateOrUpdateAndWait(rg, "legacy-acs", {
    location: "global",
    dataLocation: "Europe",
    linkedDomains: [`${base}/emailServices/legacy-email/domains/${DOMAIN}`],
    tags: { team: "comms" },
  });
  envFile = path.join(tmp, "env.json");
  fs.writeFileSync(
    envFile,
    JSON.stringify({
      tokenApiUrl: "https://127.0.0.1:9",
      acsEndpoint: emulator.endpoint,
      armBaseUrl: emulator.armBaseUrl,
      caCertPem: emulator.caCertPem,
      subscriptionId: emulator.subscriptionId,
      resourceGroupName: rg,
      serviceName: emulator.serviceName,
      workspaceId: "a0c50000-0000-4000-8000-00000000a10a",
    }),
  );
}, 60_000);

afterAll(async () => {
  await emulator?.close();
});

interface PlanDoc {
  changes: Record<string, number>;
  resources: Array<{
    type: string;
    name: string;
    op: string;
    inputs: Record<string, unknown>;
    diffs: Array<{ path: string; before?: unknown; after?: unknown }>;
  }>;
}

describe("npm run adopt -- --local", () => {
  it("writes the existing block; the plan imports the four resources under their names and creates the rest", async () => {
    const file = devCopy("ok");
    const snapshot = path.join(tmp, "ok", "snapshot.json");
    const r = await adopt([
      "--stack",
      "dev",
      "--config-file",
      file,
      "--local",
      "--local-env",
      envFile,
      "--acs",
      "legacy-acs",
      "--write",
      "--snapshot",
      snapshot,
    ]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const config = (parseYaml(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
    expect(config["acs-platform:email"]).toBeUndefined();
    const domainId = `${base}/emailServices/legacy-email/domains/${DOMAIN}`;
    expect((config["acs-platform:communication"] as { existing: unknown }).existing).toEqual({
      communicationService: {
        id: `${base}/communicationServices/legacy-acs`,
        dataLocation: "Europe",
        linkedDomains: [domainId],
        identityType: "None",
        tags: { team: "comms" },
      },
      emailService: { id: `${base}/emailServices/legacy-email`, dataLocation: "Europe", tags: { team: "comms" } },
      domains: [
        {
          id: domainId,
          domainManagement: "CustomerManaged",
          userEngagementTracking: "Disabled",
          verificationStates: { Domain: "Verified", SPF: "Verified", DKIM: "Verified", DKIM2: "Verified", DMARC: "Verified" },
          tags: {},
          senders: [{ id: `${domainId}/senderUsernames/alerts`, username: "alerts", displayName: "Alerts" }],
        },
      ],
    });
    expect(r.stdout).toContain("communication service legacy-acs: identity None -> SystemAssigned, a new principal (update)");
    expect(r.stdout).toContain(
      `emailServices/legacy-email/domains/${DOMAIN}/senderUsernames/DoNotReply: Azure creates DoNotReply with every domain`,
    );

    const markdown = path.join(tmp, "ok", "plan.md");
    const p = await plan(["--stack", "dev", "--config-file", file, "--format", "json", "--also", `markdown=${markdown}`]);
    expect(fs.readFileSync(markdown, "utf8")).toContain(
      `| = | import | \`acsplat-communication-acs\` | communication:CommunicationService | existing ${base}/communicationServices/legacy-acs |`,
    );
    const doc = JSON.parse(p.stdout) as PlanDoc;
    // dev's reviewed exceptions (policies/exceptions.ts) are reported apart and never fail the plan.
    const mandatory = (doc as unknown as { results: Array<{ level: string; policy: string; message: string; exception: unknown }> }).results
      .filter((x) => x.level === "mandatory" && x.exception === null)
      .map((x) => `${x.policy}: ${x.message}`);
    expect([p.code, mandatory]).toEqual([0, []]);
    const communication = doc.resources.filter((x) => x.type.startsWith("azure-native:communication:"));
    expect(communication.map((x) => [x.op, x.type.split(":")[2], x.inputs[nameKey(x.type)]])).toEqual([
      ["import", "EmailService", "legacy-email"],
      ["import", "Domain", DOMAIN],
      ["import", "SenderUsername", "alerts"],
      ["import", "CommunicationService", "legacy-acs"],
    ]);
    // Everything else is created, and nothing is created twice.
    expect(doc.resources.filter((x) => x.op !== "import" && x.type.startsWith("azure-native:")).every((x) => x.op === "create")).toBe(true);
    expect(doc.changes["import"]).toBe(4);

    // Against the snapshot: the first `up` imports them and changes only what the platform adds.
    const c = await plan(["--stack", "dev", "--config-file", file, "--compare", snapshot, "--format", "json"]);
    const acs = (JSON.parse(c.stdout) as PlanDoc).resources.find((x) => x.type === "azure-native:communication:CommunicationService")!;
    expect([acs.op, acs.diffs.map((d) => d.path)]).toEqual([
      "import",
      ["identity.type", "tags.costCenter", "tags.dataClassification", "tags.env", "tags.owner", "tags.service"],
    ]);
    const text = await plan(["--stack", "dev", "--config-file", file, "--compare", snapshot]);
    expect(text.stdout).toMatch(/= +azure-native:communication:CommunicationService {2}acsplat-communication-acs import/);
  }, 120_000);

  it("refuses a stack whose data location contradicts the resource's, naming the property", async () => {
    const file = devCopy("germany", (t) => t.replace("acs-platform:dataLocation: Europe", "acs-platform:dataLocation: Germany"));
    const before = fs.readFileSync(file, "utf8");
    const r = await adopt(["--stack", "dev", "--config-file", file, "--local", "--local-env", envFile, "--acs", "legacy-acs", "--write"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `communicationServices/legacy-acs properties.dataLocation is "Europe" but ${file} sets acs-platform:dataLocation "Germany"; dataLocation is create-only`,
    );
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  }, 60_000);
});

function nameKey(type: string): string {
  return {
    CommunicationService: "communicationServiceName",
    EmailService: "emailServiceName",
    Domain: "domainName",
    SenderUsername: "senderUsername",
  }[type.split(":")[2]!]!;
}
