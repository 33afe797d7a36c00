// The plan's rules for changes Azure refuses on a deployed stack, each reintroduced in a copy of a stack file and
// compared (`--compare`) with the plan of the stack as deployed, in fresh `npm run plan` processes: a delete under
// a CanNotDelete lock (acsAuthMode back to key-vault), a new subnet prefix, a removed address range, a budget
// change and a storage account's zone redundancy changed through its SKU each exit 1 naming the resource and the
// reason; the unchanged stack exits 0, and so does the network deployed before decision 0031 (subnets updated in
// place, the NAT IP replaced under its new name).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stackFileCopy } from "../../support/stack-files";
import { plan } from "./run-plan";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-mutability-"));
const deployedProd = path.join(tmp, "prod.json");
const deployedManagedIdentity = path.join(tmp, "prod-mi.json");

interface JsonResult {
  policy: string;
  level: string;
  urn: string | null;
  message: string;
}
/** The plan rules' results as `policy | resource name | level`, and their messages. */
function rows(stdout: string, prefix: string): { rows: string[]; messages: string[] } {
  const doc = JSON.parse(stdout) as { results: JsonResult[] };
  const mine = doc.results.filter((r) => r.policy.startsWith(prefix));
  return {
    rows: mine.map((r) => `${r.policy} | ${(r.urn ?? "").slice((r.urn ?? "").lastIndexOf("::") + 2)} | ${r.level}`),
    messages: mine.map((r) => r.message),
  };
}

beforeAll(async () => {
  const mi = stackFileCopy("prod", (c) => void (c["acs-platform:tokenApi"].acsAuthMode = "managed-identity"));
  const [a, b] = await Promise.all([
    plan(["--stack", "prod", "--format", "json", "--output", deployedProd]),
    plan(["--stack", "prod", "--config-file", mi, "--format", "json", "--output", deployedManagedIdentity]),
  ]);
  expect([a.code, b.code]).toEqual([0, 0]);
}, 90_000);

describe("changes Azure refuses on the deployed stack", () => {
  it("the unchanged stack against itself passes every plan rule", async () => {
    const r = await plan(["--stack", "prod", "--compare", deployedProd, "--format", "json"]);
    // Only the retirement reminders, advisory until 2028-09-30, which every plan of a stack using ACS carries.
    expect([r.code, rows(r.stdout, "plan-").rows]).toEqual([
      0,
      [
        "plan-communication-disallow-retired-service | acsplat-communication-email | advisory",
        "plan-communication-disallow-retired-service | acsplat-token-api-app | advisory",
        "plan-communication-disallow-retired-service | acsplat-events-sub-sms-delivery | advisory",
      ],
    ]);
  });

  it("acsAuthMode back to key-vault deletes the role assignment on the locked ACS: exit 1 naming the lock", async () => {
    const r = await plan(["--stack", "prod", "--compare", deployedManagedIdentity, "--format", "json"]);
    const found = rows(r.stdout, "plan-authorization");
    expect([r.code, found.rows]).toEqual([
      1,
      ["plan-authorization-disallow-delete-under-lock | acsplat-token-api-ra-acs-identity | mandatory"],
    ]);
    expect(found.messages[0]).toMatch(
      /^azure-native:authorization:RoleAssignment 'acsplat-token-api-ra-acs-identity' would be deleted, but its scope \/subscriptions\/.*\/communicationservices\/acs-acsplat-prod-weu-pmnwl is under the CanNotDelete lock 'do-not-delete' \(acsplat-communication-lock\)\. Azure refuses the delete with ScopeLocked/,
    );
    expect(found.messages[0]).toContain("Source: https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources");
  });

  it("a new app service subnet prefix exits 1 naming the subnet", async () => {
    const file = stackFileCopy("prod", (c) => void (c["acs-platform:network"].appServiceSubnetPrefix = "10.20.0.128/26"));
    const r = await plan(["--stack", "prod", "--config-file", file, "--compare", deployedProd, "--format", "json"]);
    const found = rows(r.stdout, "plan-network");
    expect([r.code, found.rows]).toEqual([1, ["plan-network-disallow-prefix-change | acsplat-network-snet-app | mandatory"]]);
    expect(found.messages[0]).toBe(
      `azure-native:network:Subnet 'acsplat-network-snet-app' changes addressPrefix from "10.20.0.0/26" to "10.20.0.128/26". The subnet is in use ` +
        `(VNet integration or a private endpoint), and Azure does not update a subnet in use ("subnets in use could not be updated"). ` +
        "Source: https://github.com/hashicorp/terraform-provider-azurerm/issues/19781",
    );
  });

  it("a new address space exits 1 naming the virtual network and both subnets", async () => {
    const file = stackFileCopy("prod", (c) =>
      Object.assign(c["acs-platform:network"], {
        addressSpace: "10.30.0.0/24",
        appServiceSubnetPrefix: "10.30.0.0/26",
        privateEndpointSubnetPrefix: "10.30.0.64/27",
      }),
    );
    const r = await plan(["--stack", "prod", "--config-file", file, "--compare", deployedProd, "--format", "json"]);
    const found = rows(r.stdout, "plan-network");
    expect([r.code, [...found.rows].sort()]).toEqual([
      1,
      [
        "plan-network-disallow-prefix-change | acsplat-network-snet-app | mandatory",
        "plan-network-disallow-prefix-change | acsplat-network-snet-pep | mandatory",
        "plan-network-disallow-prefix-change | acsplat-network-vnet | mandatory",
      ],
    ]);
    expect(found.messages.find((m) => m.includes("VirtualNetwork"))).toContain(
      `removes the address range "10.20.0.0/24", which holds its subnets`,
    );
  });

  it("the token API accounts back from ZRS to LRS exit 1 naming both: a conversion, not an update", async () => {
    const file = stackFileCopy("prod", (c) => void (c["acs-platform:storage"].tokenApiSku = "Standard_LRS"));
    const r = await plan(["--stack", "prod", "--config-file", file, "--compare", deployedProd, "--format", "json"]);
    const found = rows(r.stdout, "plan-storage");
    expect([r.code, [...found.rows].sort()]).toEqual([
      1,
      [
        "plan-storage-disallow-zone-redundancy-update | acsplat-token-api-data | mandatory",
        "plan-storage-disallow-zone-redundancy-update | acsplat-token-api-packages | mandatory",
      ],
    ]);
    expect(found.messages.find((m) => m.includes("'acsplat-token-api-data'"))).toBe(
      'azure-native:storage:StorageAccount \'acsplat-token-api-data\' changes sku.name from "Standard_ZRS" to "Standard_LRS", which removes ' +
        "zone redundancy: Azure does that by a conversion, not by an update of the SKU (StorageAccountTypeConversionNotAllowed). Sources: " +
        "https://learn.microsoft.com/azure/storage/common/redundancy-migration, " +
        "https://learn.microsoft.com/powershell/module/az.storage/start-azstorageaccountmigration, " +
        "https://github.com/hashicorp/terraform-provider-azurerm/issues/6526",
    );
  });

  it("the network deployed before private subnets and a zone-redundant NAT IP: exit 0, two subnet updates, the IP replaced", async () => {
    // The deployed prod plan as the program had it before decision 0031: the NAT IP under its old name without zones,
    // the subnets without defaultOutboundAccess.
    const doc = JSON.parse(
      fs.readFileSync(deployedProd, "utf8").replaceAll("pip-acsplat-nat-z123-prod-weu", "pip-acsplat-nat-prod-weu"),
    ) as { resources: Array<{ type: string; inputs: Record<string, unknown> }> };
    for (const r of doc.resources) {
      if (r.type === "azure-native:network:PublicIPAddress") delete r.inputs["zones"];
      if (r.type === "azure-native:network:Subnet") delete r.inputs["defaultOutboundAccess"];
    }
    const before = path.join(tmp, "prod-before-0031.json");
    fs.writeFileSync(before, JSON.stringify(doc));
    const r = await plan(["--stack", "prod", "--compare", before, "--format", "json"]);
    const out = JSON.parse(r.stdout) as { resources: Array<{ name: string; custom: boolean; op: string; replaceReasons: string[] }> };
    expect([r.code, rows(r.stdout, "plan-replacement").rows, rows(r.stdout, "plan-network").rows]).toEqual([0, [], []]);
    expect(out.resources.filter((x) => x.custom && x.op !== "same").map((x) => `${x.op} ${x.name}`)).toEqual([
      "replace acsplat-network-pip-nat",
      "update acsplat-network-nat",
      "update acsplat-network-snet-app",
      "update acsplat-network-snet-pep",
    ]);
  });

  it("a budget amount change exits 1 naming the budget", async () => {
    const file = stackFileCopy("prod", (c) => void (c["acs-platform:alerts"].budget.amount = 2000));
    const r = await plan(["--stack", "prod", "--config-file", file, "--compare", deployedProd, "--format", "json"]);
    const found = rows(r.stdout, "plan-budget");
    expect([r.code, found.rows]).toEqual([1, ["plan-budget-disallow-update | acsplat-alerts-budget | mandatory"]]);
    expect(found.messages[0]).toBe(
      "azure-native:costmanagement:Budget 'acsplat-alerts-budget' changes amount of the deployed budget. azure-native re-PUTs it without its eTag, " +
        'which Cost Management has refused ("There are changes made to Budget ... Please get the latest budget to avoid overwrite"; unverified ' +
        "for API 2024-08-01). Source: https://github.com/MicrosoftDocs/azure-docs/issues/34023",
    );
  });
});

describe("the connection-string secret after ACS is re-created", () => {
  it("a dataLocation change replaces ACS and the plan shows the secret changing to the new resource's", async () => {
    const deployedDev = path.join(tmp, "dev.json");
    expect((await plan(["--stack", "dev", "--format", "json", "--output", deployedDev])).code).toBe(0);
    const file = stackFileCopy("dev", (c) => void (c["acs-platform:dataLocation"] = "France"));
    const r = await plan(["--stack", "dev", "--config-file", file, "--compare", deployedDev, "--format", "json"]);
    const doc = JSON.parse(r.stdout) as {
      resources: Array<{ name: string; op: string; diffs: Array<{ path: string; before?: unknown; after?: unknown }> }>;
    };
    const byName = (n: string) => doc.resources.find((x) => x.name === n)!;
    expect(byName("acsplat-communication-acs").op).toBe("replace");
    const secret = byName("acsplat-secrets-acs-connection-string");
    expect([secret.op, secret.diffs.map((d) => [d.path, d.after])]).toEqual([
      "update",
      [["tags.acs-immutable-resource-id", "[known after apply]"]],
    ]);
  });
});
