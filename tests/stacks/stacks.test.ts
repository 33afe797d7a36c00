// Evaluates the dev and prod stacks under Pulumi mocks and asserts what `pulumi up` would create in each.
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../tools/plan/harness";
import { sharedPlan } from "../support/shared-plan";
import type { PlanResult, PlannedResource } from "../../tools/plan/types";
import { SECRET_PLACEHOLDER } from "../../tools/plan/types";
import { countByType, ofType, only } from "../support/plan";
import { stackFileCopy } from "../support/stack-files";

let dev: PlanResult;
let prod: PlanResult;

beforeAll(async () => {
  dev = await sharedPlan("dev");
  prod = await sharedPlan("prod");
});

// The core of the program: the stack root, the resource group and the three components every other one builds on
// (Observability, CommunicationServices, SecretStore) with their children.
const CORE_COMPONENTS = new Set([
  "acs:operationalinsights:Observability",
  "acs:communication:CommunicationServices",
  "acs:keyvault:SecretStore",
]);

function isCore(plan: PlanResult, r: PlannedResource): boolean {
  if (r.type === "pulumi:pulumi:Stack" || r.type === "azure-native:resources:ResourceGroup" || CORE_COMPONENTS.has(r.type)) return true;
  const parent = plan.resources.find((p) => p.urn === r.parent);
  return parent !== undefined && CORE_COMPONENTS.has(parent.type);
}

function coreCountByType(plan: PlanResult): Record<string, number> {
  return countByType(plan, (x) => isCore(plan, x));
}

const core = {
  "pulumi:pulumi:Stack": 1,
  "acs:operationalinsights:Observability": 1,
  "acs:communication:CommunicationServices": 1,
  "acs:keyvault:SecretStore": 1,
  // The platform's group and the chat archive's (which outlives the platform, so it is apart).
  "azure-native:resources:ResourceGroup": 2,
  "azure-native:operationalinsights:Workspace": 1,
  "azure-native:applicationinsights:Component": 1,
  "azure-native:monitor:ActionGroup": 1,
  "azure-native:monitor:DiagnosticSetting": 3,
  "azure-native:communication:EmailService": 1,
  "azure-native:communication:Domain": 1,
  "azure-native:communication:CommunicationService": 1,
  "azure-native:keyvault:Vault": 1,
  "azure-native:keyvault:Secret": 1,
};

/** Whether an azure-native type takes `tags`, read from its Args interface in the installed package. */
function isTaggable(type: string): boolean {
  const [pkg, module, name] = type.split(":");
  if (pkg !== "azure-native" || module === undefined || name === undefined) return false;
  const file = path.join(
    DEFAULT_PROJECT_ROOT,
    "node_modules/@pulumi/azure-native",
    module,
    `${name.charAt(0).toLowerCase()}${name.slice(1)}.d.ts`,
  );
  const source = readFileSync(file, "utf8");
  const args = source.slice(source.indexOf(`export interface ${name}Args {`));
  return /^\s{4}tags\?:/m.test(args.slice(0, args.indexOf("\n}")));
}

describe("resource inventory", () => {
  it("dev declares exactly the core resources and no sender (DoNotReply comes with the Azure-managed domain)", () => {
    expect(coreCountByType(dev)).toEqual(core);
  });

  it("prod adds delete locks on the vault, ACS, the Email service and the domain (its extra sender waits for raised limits)", () => {
    expect(coreCountByType(prod)).toEqual({
      ...core,
      "azure-native:authorization:ManagementLockByScope": 4,
    });
  });
});

describe("whole program inventory (every component; update when a component adds resources)", () => {
  const wholeDev = {
    ...core,
    "acs:eventgrid:EventRouting": 1,
    "acs:monitor:Alerts": 1,
    "acs:web:TokenApiHost": 1,
    "acs:storage:ChatArchive": 1,
    "azure-native:authorization:RoleAssignment": 8,
    "azure-native:costmanagement:Budget": 1,
    "azure-native:eventgrid:SystemTopic": 1,
    "azure-native:eventgrid:SystemTopicEventSubscription": 3,
    "azure-native:keyvault:Secret": 2,
    "azure-native:monitor:DiagnosticSetting": 10,
    "azure-native:monitor:MetricAlert": 9,
    "azure-native:monitor:ScheduledQueryRule": 2,
    "azure-native:managedidentity:UserAssignedIdentity": 1,
    "azure-native:web:WebAppScmAllowed": 1,
    "azure-native:web:WebAppFtpAllowed": 1,
    "azure-native:storage:Blob": 1,
    "azure-native:storage:BlobContainer": 4,
    "azure-native:storage:Queue": 3,
    "azure-native:storage:StorageAccount": 4,
    "azure-native:storage:BlobServiceProperties": 4,
    "azure-native:storage:Table": 1,
    "azure-native:web:AppServicePlan": 1,
    "azure-native:web:WebApp": 1,
  };

  it("dev declares exactly these types and counts", () => {
    expect(countByType(dev)).toEqual(wholeDev);
  });

  it("prod differs from dev by the locks, the chat archive's immutability and the private network (NSGs, NAT gateway, VNet diagnostics)", () => {
    expect(countByType(prod)).toEqual({
      ...wholeDev,
      "azure-native:authorization:ManagementLockByScope": 5,
      "azure-native:storage:BlobContainerImmutabilityPolicy": 1,
      "acs:network:Network": 1,
      "azure-native:network:VirtualNetwork": 1,
      "azure-native:network:Subnet": 2,
      "azure-native:network:NetworkSecurityGroup": 2,
      "azure-native:network:NatGateway": 1,
      "azure-native:network:PublicIPAddress": 1,
      "azure-native:network:PrivateEndpoint": 1,
      "azure-native:network:PrivateDnsZoneGroup": 1,
      "azure-native:privatedns:PrivateZone": 1,
      "azure-native:privatedns:VirtualNetworkLink": 1,
      "azure-native:monitor:DiagnosticSetting": 11,
    });
  });
});

describe("private network (the token API reaches the prod vault, which denies public traffic)", () => {
  it("prod: the vault gets a private endpoint (group id vault) resolved through privatelink.vaultcore.azure.net", () => {
    const vault = only(prod, "azure-native:keyvault:Vault");
    const [pep] = ofType(prod, "azure-native:network:PrivateEndpoint");
    expect(pep?.inputs["privateLinkServiceConnections"]).toEqual([
      { name: "pep-acsplat-vault-prod-weu", privateLinkServiceId: vault.id, groupIds: ["vault"] },
    ]);
    expect(ofType(prod, "azure-native:privatedns:PrivateZone").map((z) => z.inputs["privateZoneName"])).toEqual([
      "privatelink.vaultcore.azure.net",
    ]);
    expect(ofType(prod, "azure-native:network:VirtualNetwork").map((v) => v.inputs["addressSpace"])).toEqual([
      { addressPrefixes: ["10.20.0.0/24"] },
    ]);
  });

  it("prod: the web app joins the delegated subnet and routes all traffic into it, out through the subnet's NAT gateway", () => {
    const subnet = ofType(prod, "azure-native:network:Subnet").find((s) => s.inputs["subnetName"] === "snet-acsplat-app-prod-weu");
    expect(subnet?.inputs["delegations"]).toEqual([{ name: "Microsoft.Web.serverFarms", serviceName: "Microsoft.Web/serverFarms" }]);
    const [app] = ofType(prod, "azure-native:web:WebApp");
    expect(app?.inputs["virtualNetworkSubnetId"]).toBe(subnet?.id);
    // Key Vault references are configuration traffic: only allTraffic sends them through the network.
    expect(app?.inputs["outboundVnetRouting"]).toEqual({ allTraffic: true });
    expect(subnet?.inputs["natGateway"]).toEqual({ id: ofType(prod, "azure-native:network:NatGateway")[0]?.id });
  });

  it("prod: both subnets have their own network security group (PSRule Azure.VNET.UseNSGs)", () => {
    const nsgs = ofType(prod, "azure-native:network:NetworkSecurityGroup");
    expect(nsgs.map((n) => n.inputs["networkSecurityGroupName"])).toEqual(["nsg-acsplat-app-prod-weu", "nsg-acsplat-pep-prod-weu"]);
    expect(ofType(prod, "azure-native:network:Subnet").map((s) => [s.inputs["subnetName"], s.inputs["networkSecurityGroup"]])).toEqual([
      ["snet-acsplat-app-prod-weu", { id: nsgs[0]?.id }],
      ["snet-acsplat-pep-prod-weu", { id: nsgs[1]?.id }],
    ]);
  });

  it("dev: public vault, no network, no VNet integration", () => {
    expect(ofType(dev, "acs:network:Network")).toEqual([]);
    const [app] = ofType(dev, "azure-native:web:WebApp");
    expect(app?.inputs["virtualNetworkSubnetId"]).toBeUndefined();
    expect(app?.inputs["outboundVnetRouting"]).toBeUndefined();
  });
});

describe("Communication Services and Email", () => {
  it.each([
    ["dev", () => dev],
    ["prod", () => prod],
  ])("%s: ACS and Email are global with dataLocation Europe and ACS has a system-assigned identity", (_, plan) => {
    const acs = only(plan(), "azure-native:communication:CommunicationService");
    const email = only(plan(), "azure-native:communication:EmailService");
    expect(acs.inputs["location"]).toBe("global");
    expect(acs.inputs["dataLocation"]).toBe("Europe");
    expect(acs.inputs["identity"]).toEqual({ type: "SystemAssigned" });
    expect(email.inputs["location"]).toBe("global");
    expect(email.inputs["dataLocation"]).toBe("Europe");
  });

  it("dev uses the Azure-managed domain, linked to ACS, without engagement tracking", () => {
    const domain = only(dev, "azure-native:communication:Domain");
    expect(domain.inputs).toMatchObject({
      domainName: "AzureManagedDomain",
      domainManagement: "AzureManaged",
      userEngagementTracking: "Disabled",
      location: "global",
    });
    const acs = only(dev, "azure-native:communication:CommunicationService");
    expect(acs.inputs["linkedDomains"]).toEqual([domain.id]);
    expect(dev.outputs["emailSenderAddresses"]).toEqual([expect.stringMatching(/^DoNotReply@[0-9a-f-]{36}\.azurecomm\.net$/)]);
    expect(dev.outputs["emailDnsRecords"]).toEqual([]);
  });

  it("prod creates the customer-managed domain unlinked on its first deploy and publishes its DNS verification records", () => {
    const domain = only(prod, "azure-native:communication:Domain");
    expect(domain.inputs).toMatchObject({
      domainName: "notify.contoso.com",
      domainManagement: "CustomerManaged",
      tags: expect.objectContaining({ "acs-email-domain-verified": "false", "acs-email-domain-sending-limits-raised": "false" }),
    });
    // Azure links only verified domains; the domain this deployment creates cannot be verified yet.
    expect(only(prod, "azure-native:communication:CommunicationService").inputs["linkedDomains"]).toEqual([]);
    // DoNotReply exists with the domain; the extra sender `alerts` waits until the domain is verified and Microsoft
    // raised its sending limits ("Sender usernames cannot be enabled for ... custom domains with default sending limits").
    expect(ofType(prod, "azure-native:communication:SenderUsername")).toEqual([]);
    expect(prod.outputs["emailSenderAddresses"]).toEqual(["DoNotReply@notify.contoso.com"]);
    const records = prod.outputs["emailDnsRecords"] as Array<{ purpose: string; type: string }>;
    expect(records.map((r) => `${r.purpose}:${r.type}`)).toEqual(["Domain:TXT", "SPF:TXT", "DKIM:CNAME", "DKIM2:CNAME"]);
  });
});

describe("Key Vault and the connection-string secret", () => {
  it("a bare IP address in keyVault.allowedIpRanges is sent as the /32 the vault returns (no diff after a refresh)", async () => {
    const file = stackFileCopy("prod", (c) => void (c["acs-platform:keyVault"].allowedIpRanges = ["203.0.113.0/24", "198.51.100.7"]));
    const plan = await evaluateStack({ stack: "prod", configFile: file });
    const vault = only(plan, "azure-native:keyvault:Vault");
    expect((vault.inputs["properties"] as { networkAcls: unknown }).networkAcls).toEqual({
      bypass: "AzureServices",
      defaultAction: "Deny",
      ipRules: [{ value: "203.0.113.0/24" }, { value: "198.51.100.7/32" }],
    });
  });

  it("dev: RBAC, soft delete for 7 days, no purge protection, public access open", () => {
    const vault = only(dev, "azure-native:keyvault:Vault");
    expect(vault.inputs["properties"]).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 7,
      publicNetworkAccess: "Enabled",
      networkAcls: { bypass: "AzureServices", defaultAction: "Allow", ipRules: [] },
      sku: { family: "A", name: "standard" },
    });
    expect((vault.inputs["properties"] as Record<string, unknown>)["enablePurgeProtection"]).toBeUndefined();
    expect(vault.options.protect).toBeUndefined();
  });

  it("prod: RBAC, soft delete for 90 days, purge protection, firewall to the operators' range, protected and locked", () => {
    const vault = only(prod, "azure-native:keyvault:Vault");
    expect(vault.inputs["properties"]).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      publicNetworkAccess: "Enabled",
      networkAcls: { bypass: "AzureServices", defaultAction: "Deny", ipRules: [{ value: "203.0.113.0/24" }] },
    });
    expect(vault.options.protect).toBe(true);
    const lock = ofType(prod, "azure-native:authorization:ManagementLockByScope").find((l) => l.inputs["scope"] === vault.id);
    expect(lock?.inputs).toMatchObject({ level: "CanNotDelete", scope: vault.id });
    // Soft-delete retention "can only be configured during key vault creation": a later change is not sent.
    expect(vault.options.ignoreChanges).toEqual(["properties.softDeleteRetentionInDays"]);
  });

  it("prod: ACS, the Email service and the domain are protected and locked (their dataLocation is create-only); dev's are not", () => {
    const guarded = [
      "azure-native:communication:CommunicationService",
      "azure-native:communication:EmailService",
      "azure-native:communication:Domain",
    ];
    const locked = new Set(ofType(prod, "azure-native:authorization:ManagementLockByScope").map((l) => l.inputs["scope"]));
    for (const type of guarded) {
      const r = only(prod, type);
      expect([type, r.options.protect, locked.has(r.id)]).toEqual([type, true, true]);
      expect([type, only(dev, type).options.protect]).toEqual([type, undefined]);
    }
  });

  it.each([
    ["dev", () => dev],
    ["prod", () => prod],
  ])("%s: the secret is secret, tagged with the active key and the ACS resource it belongs to, and ignores nothing", (_, plan) => {
    const secret = only(plan(), "azure-native:keyvault:Secret", "acsplat-secrets-acs-connection-string");
    expect(secret.inputs["secretName"]).toBe("acs-connection-string");
    expect(secret.inputs["properties"]).toEqual({ value: SECRET_PLACEHOLDER, contentType: "text/plain" });
    expect(secret.secretPaths).toEqual(["properties.value"]);
    // No deployed secret under the mocks (getSecret answers nothing): the configured key.
    expect((secret.inputs["tags"] as Record<string, string>)["acs-active-key"]).toBe("primary");
    expect((secret.inputs["tags"] as Record<string, string>)["acs-immutable-resource-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(secret.options.ignoreChanges).toBeUndefined();
    const acs = only(plan(), "azure-native:communication:CommunicationService");
    expect(secret.dependencies).toContain(acs.urn);
  });
});

describe("observability", () => {
  it.each([
    ["dev", () => dev, 30, 1],
    ["prod", () => prod, 365, 10],
  ])("%s: workspace retention and daily cap", (_, plan, retention, cap) => {
    const ws = only(plan(), "azure-native:operationalinsights:Workspace");
    expect(ws.inputs).toMatchObject({ retentionInDays: retention, workspaceCapping: { dailyQuotaGb: cap }, sku: { name: "PerGB2018" } });
    const appi = only(plan(), "azure-native:applicationinsights:Component");
    expect(appi.inputs).toMatchObject({ workspaceResourceId: ws.id, ingestionMode: "LogAnalytics", kind: "web" });
  });

  it("prod action group e-mails both recipients with a short name of at most 12 characters", () => {
    const ag = only(prod, "azure-native:monitor:ActionGroup");
    expect(ag.inputs["groupShortName"]).toBe("acsplat-prod");
    expect(ag.inputs["emailReceivers"]).toEqual([
      { name: "platform-oncall", emailAddress: "platform-oncall@contoso.com", useCommonAlertSchema: true },
      { name: "platform-lead", emailAddress: "platform-lead@contoso.com", useCommonAlertSchema: true },
    ]);
  });

  it("diagnostic settings: ACS allLogs + AllMetrics, Key Vault audit, workspace audit, all to the workspace", () => {
    const ws = only(prod, "azure-native:operationalinsights:Workspace");
    const byTarget = Object.fromEntries(
      ofType(prod, "azure-native:monitor:DiagnosticSetting")
        .filter((d) => isCore(prod, d))
        .map((d) => [
          String(d.inputs["resourceUri"]).split("/providers/")[1],
          {
            logs: d.inputs["logs"],
            metrics: d.inputs["metrics"],
            workspaceId: d.inputs["workspaceId"],
            type: d.inputs["logAnalyticsDestinationType"],
          },
        ]),
    );
    const metrics = [{ category: "AllMetrics", enabled: true }];
    expect(byTarget).toEqual({
      "Microsoft.Communication/communicationServices/acs-acsplat-prod-weu-pmnwl": {
        logs: [{ categoryGroup: "allLogs", enabled: true }],
        metrics,
        workspaceId: ws.id,
        type: "Dedicated",
      },
      // Only types with resource-specific tables get Dedicated; Key Vault reads it back as null (azure-rest-api-specs#22400).
      "Microsoft.KeyVault/vaults/kv-acotw6-prod-weu-pmnwl": {
        logs: [{ categoryGroup: "audit", enabled: true }],
        metrics,
        workspaceId: ws.id,
        type: undefined,
      },
      "Microsoft.OperationalInsights/workspaces/log-acsplat-prod-weu": {
        logs: [{ categoryGroup: "audit", enabled: true }],
        metrics,
        workspaceId: ws.id,
        type: undefined,
      },
    });
  });
});

describe("tags", () => {
  it.each([
    [
      "dev",
      () => dev,
      { env: "dev", owner: "platform-team@contoso.com", costCenter: "CC-1042", dataClassification: "internal", service: "acs-platform" },
    ],
    [
      "prod",
      () => prod,
      {
        env: "prod",
        owner: "platform-team@contoso.com",
        costCenter: "CC-1042",
        dataClassification: "confidential",
        service: "acs-platform",
      },
    ],
  ])("%s: every taggable resource carries the required tags", (_, plan, required) => {
    const taggable = plan().resources.filter((r) => r.custom && isTaggable(r.type));
    expect(
      taggable
        .filter((r) => isCore(plan(), r))
        .map((r) => r.type)
        .sort(),
    ).toEqual([
      "azure-native:applicationinsights:Component",
      "azure-native:communication:CommunicationService",
      "azure-native:communication:Domain",
      "azure-native:communication:EmailService",
      "azure-native:keyvault:Secret",
      "azure-native:keyvault:Vault",
      "azure-native:monitor:ActionGroup",
      "azure-native:operationalinsights:Workspace",
      "azure-native:resources:ResourceGroup",
      "azure-native:resources:ResourceGroup",
    ]);
    for (const r of taggable) {
      expect({ resource: r.name, tags: r.inputs["tags"] }).toEqual({ resource: r.name, tags: expect.objectContaining(required) });
    }
  });
});

describe("outputs", () => {
  it("exports exactly the output names fixed in docs/interfaces.md", () => {
    const doc = readFileSync(path.join(DEFAULT_PROJECT_ROOT, "docs/interfaces.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Stack outputs"), doc.indexOf("\n## ", doc.indexOf("## Stack outputs") + 3));
    const names = [...section.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]).filter((n) => n !== "HOST");
    expect(names.length).toBeGreaterThan(12);
    expect(Object.keys(prod.outputs).sort()).toEqual([...new Set(names)].sort());
  });

  it("stacks/index.ts exports main itself, so `pulumi up` records every output main() returns", async () => {
    const index = readFileSync(path.join(DEFAULT_PROJECT_ROOT, "stacks/index.ts"), "utf8");
    expect(index.match(/^(import|export)\b.*$/gm)).toEqual(['import { main } from "./program";', "export = main;"]);
  });

  it("prod core outputs have exact values and the App Insights connection string is masked", () => {
    expect(prod.outputs).toMatchObject({
      resourceGroupName: "rg-acsplat-prod-weu",
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      acsName: "acs-acsplat-prod-weu-pmnwl",
      acsEndpoint: "https://acs-acsplat-prod-weu-pmnwl.europe.communication.azure.com/",
      acsHostName: "acs-acsplat-prod-weu-pmnwl.europe.communication.azure.com",
      keyVaultName: "kv-acotw6-prod-weu-pmnwl",
      keyVaultUri: "https://kv-acotw6-prod-weu-pmnwl.vault.azure.net/",
      acsSecretName: "acs-connection-string",
      logAnalyticsWorkspaceId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      logAnalyticsResourceId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-acsplat-prod-weu/providers/Microsoft.OperationalInsights/workspaces/log-acsplat-prod-weu",
      appInsightsConnectionString: SECRET_PLACEHOLDER,
      emailSenderAddresses: ["DoNotReply@notify.contoso.com"],
    });
    expect(prod.outputs["emailDnsRecords"]).toHaveLength(4);
  });

  it("dev and prod share no globally unique name", () => {
    const names = (p: PlanResult) => [p.outputs["acsName"], p.outputs["keyVaultName"]];
    expect(names(dev).some((n) => names(prod).includes(n))).toBe(false);
  });
});
