// The program's inventory beyond the core in both stacks: the event routing, token API host and alerts resources
// each stack declares, the role assignments of the whole plan (none broader than the allow-list), their outputs, and
// their config validation.
import { beforeAll, describe, expect, it } from "vitest";
import { sharedPlan } from "../support/shared-plan";
import type { PlanResult } from "../../tools/plan/types";
import { countByType, ofType, only } from "../support/plan";
import { problemsOf } from "./config-cases";
import { ALLOWED_ROLE_GUIDS, BUILT_IN_ROLES } from "../../components/common/roles";
import { REQUIRED_EVENT_TYPES } from "../../components/event-routing/config";
import { mockGuid } from "../../tools/plan/mocks";

let dev: PlanResult;
let prod: PlanResult;

beforeAll(async () => {
  dev = await sharedPlan("dev");
  prod = await sharedPlan("prod");
});

const MINE = new Set(["acs:eventgrid:EventRouting", "acs:web:TokenApiHost", "acs:monitor:Alerts"]);

/** Counts of the resources of EventRouting, TokenApiHost and Alerts (the components and their children). */
function countMine(plan: PlanResult): Record<string, number> {
  return countByType(plan, (r) => {
    const parent = plan.resources.find((p) => p.urn === r.parent);
    return MINE.has(r.type) || (parent !== undefined && MINE.has(parent.type));
  });
}

const mineInBoth = {
  "acs:eventgrid:EventRouting": 1,
  "acs:web:TokenApiHost": 1,
  "acs:monitor:Alerts": 1,
  "azure-native:storage:StorageAccount": 3,
  "azure-native:storage:BlobServiceProperties": 3,
  "azure-native:storage:BlobContainer": 2,
  "azure-native:storage:Queue": 3,
  "azure-native:storage:Table": 1,
  "azure-native:storage:Blob": 1,
  "azure-native:eventgrid:SystemTopic": 1,
  "azure-native:eventgrid:SystemTopicEventSubscription": 3,
  "azure-native:authorization:RoleAssignment": 8,
  "azure-native:monitor:DiagnosticSetting": 6,
  "azure-native:web:AppServicePlan": 1,
  "azure-native:web:WebApp": 1,
  "azure-native:keyvault:Secret": 1,
  "azure-native:monitor:MetricAlert": 9,
  "azure-native:monitor:ScheduledQueryRule": 2,
  "azure-native:costmanagement:Budget": 1,
  "azure-native:managedidentity:UserAssignedIdentity": 1,
  "azure-native:web:WebAppScmAllowed": 1,
  "azure-native:web:WebAppFtpAllowed": 1,
};

describe("event routing, token API and alerts inventory", () => {
  it.each([
    ["dev", () => dev],
    ["prod", () => prod],
  ])("%s declares exactly the event routing, token API and alert resources", (_, plan) => {
    expect(countMine(plan())).toEqual(mineInBoth);
  });

  it.each([
    ["dev", () => dev],
    ["prod", () => prod],
  ])("%s routes email and SMS delivery reports and chat messages, each with retry and dead-letter", (_, plan) => {
    const subs = ofType(plan(), "azure-native:eventgrid:SystemTopicEventSubscription");
    const routed = subs.flatMap((s) => (s.inputs["filter"] as { includedEventTypes: string[] }).includedEventTypes);
    for (const t of REQUIRED_EVENT_TYPES) expect(routed).toContain(t);
    for (const s of subs) {
      expect(s.inputs["retryPolicy"]).toEqual({ maxDeliveryAttempts: expect.any(Number), eventTimeToLiveInMinutes: expect.any(Number) });
      expect(s.inputs["deadLetterWithResourceIdentity"]).toMatchObject({
        identity: { type: "SystemAssigned" },
        deadLetterDestination: { endpointType: "StorageBlob", blobContainerName: "deadletters" },
      });
    }
  });

  it("sizes the plan per environment: dev B1 x1 without always-on, prod P1v3 x2 zone-redundant with always-on", () => {
    const planOf = (p: PlanResult) => only(p, "azure-native:web:AppServicePlan").inputs;
    const appOf = (p: PlanResult) => only(p, "azure-native:web:WebApp").inputs["siteConfig"] as Record<string, unknown>;
    // No sku.tier: ARM derives it from the name (P0v3 and P*mv3 have tiers of their own).
    expect(planOf(dev)).toMatchObject({ sku: { name: "B1", capacity: 1 }, zoneRedundant: false, kind: "linux", reserved: true });
    expect(planOf(prod)).toMatchObject({ sku: { name: "P1v3", capacity: 2 }, zoneRedundant: true, kind: "linux", reserved: true });
    expect([planOf(dev)?.["sku"], planOf(prod)?.["sku"]].map((sku) => Object.keys(sku as object).sort())).toEqual([
      ["capacity", "name"],
      ["capacity", "name"],
    ]);
    expect(appOf(dev)["alwaysOn"]).toBe(false);
    expect(appOf(prod)["alwaysOn"]).toBe(true);
  });

  it.each([
    ["dev", () => dev],
    ["prod", () => prod],
  ])("%s: no app setting carries a secret in plain text", (_, plan) => {
    const settings = (
      only(plan(), "azure-native:web:WebApp").inputs["siteConfig"] as { appSettings: Array<{ name: string; value: string }> }
    ).appSettings;
    const byName = new Map(settings.map((s) => [s.name, s.value]));
    expect(byName.get("APPLICATIONINSIGHTS_CONNECTION_STRING")).toMatch(
      /^@Microsoft\.KeyVault\(SecretUri=https:\/\/kv-[a-z0-9-]+\.vault\.azure\.net\/secrets\/appinsights-connection-string\)$/,
    );
    for (const s of settings) expect(s.value).not.toMatch(/InstrumentationKey=|accesskey=|AccountKey=|\[secret\]/i);
  });
});

describe("role assignments of the whole plan", () => {
  it.each([
    ["dev", () => dev],
    ["prod", () => prod],
  ])("%s assigns only allow-listed roles to service principals, never at subscription or resource-group scope", (_, plan) => {
    const assignments = ofType(plan(), "azure-native:authorization:RoleAssignment");
    expect(assignments).toHaveLength(8);
    for (const ra of assignments) {
      const guid = String(ra.inputs["roleDefinitionId"]).split("/").pop() ?? "";
      expect(ALLOWED_ROLE_GUIDS.has(guid), `${ra.name} assigns ${guid}`).toBe(true);
      expect(String(ra.inputs["scope"])).toMatch(/\/providers\/Microsoft\.(Storage|KeyVault|ServiceBus|Insights)\//);
      expect(ra.inputs["principalType"]).toBe("ServicePrincipal");
    }
  });

  it("gives the web app and the topic exactly their roles on their narrowest scopes (prod)", () => {
    const [identity] = ofType(prod, "azure-native:managedidentity:UserAssignedIdentity");
    const [topic] = ofType(prod, "azure-native:eventgrid:SystemTopic");
    // The mock engine gives each identity a principal id derived from its resource's Azure name; the token API's
    // roles go to its user-assigned identity, which exists before the site.
    const app = mockGuid(`uai-principal/${String(identity?.inputs["resourceName"])}`);
    const events = mockGuid(`systemtopic-identity/${String(topic?.inputs["systemTopicName"])}`);
    const rows = ofType(prod, "azure-native:authorization:RoleAssignment")
      .map((r) => [
        r.name,
        String(r.inputs["roleDefinitionId"]).split("/").pop(),
        String(r.inputs["scope"]).replace(/^.*\/providers\//, ""),
        r.inputs["principalId"],
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(rows).toEqual([
      [
        "acsplat-events-ra-deadletter",
        BUILT_IN_ROLES.storageBlobDataContributor,
        "Microsoft.Storage/storageAccounts/stacsplatevtprodweupmnwl/blobServices/default/containers/deadletters",
        events,
      ],
      [
        "acsplat-events-ra-queue-chat-messages",
        BUILT_IN_ROLES.storageQueueDataMessageSender,
        "Microsoft.Storage/storageAccounts/stacsplatevtprodweupmnwl/queueServices/default/queues/chat-messages",
        events,
      ],
      [
        "acsplat-events-ra-queue-email-delivery",
        BUILT_IN_ROLES.storageQueueDataMessageSender,
        "Microsoft.Storage/storageAccounts/stacsplatevtprodweupmnwl/queueServices/default/queues/email-delivery",
        events,
      ],
      [
        "acsplat-events-ra-queue-sms-delivery",
        BUILT_IN_ROLES.storageQueueDataMessageSender,
        "Microsoft.Storage/storageAccounts/stacsplatevtprodweupmnwl/queueServices/default/queues/sms-delivery",
        events,
      ],
      [
        "acsplat-token-api-ra-appinsights-publisher",
        BUILT_IN_ROLES.monitoringMetricsPublisher,
        "Microsoft.Insights/components/appi-acsplat-prod-weu",
        app,
      ],
      [
        "acsplat-token-api-ra-keyvault-secrets",
        BUILT_IN_ROLES.keyVaultSecretsUser,
        "Microsoft.KeyVault/vaults/kv-acotw6-prod-weu-pmnwl",
        app,
      ],
      [
        "acsplat-token-api-ra-mapping-table",
        BUILT_IN_ROLES.storageTableDataContributor,
        "Microsoft.Storage/storageAccounts/stacsplattokprodweupmnwl/tableServices/default/tables/acsidentities",
        app,
      ],
      [
        "acsplat-token-api-ra-package-reader",
        BUILT_IN_ROLES.storageBlobDataReader,
        "Microsoft.Storage/storageAccounts/stacsplatpkgprodweupmnwl/blobServices/default/containers/packages",
        app,
      ],
    ]);
  });
});

describe("event routing and token API outputs", () => {
  it("prod exports the names docs/interfaces.md fixes", () => {
    expect(prod.outputs).toMatchObject({
      tokenApiUrl: "https://app-acsplat-token-prod-weu-pmnwl.azurewebsites.net",
      tokenApiHostName: "app-acsplat-token-prod-weu-pmnwl.azurewebsites.net",
      tokenApiAudience: "22222222-2222-2222-2222-222222222222",
      oidcIssuer: "https://login.microsoftonline.com/11111111-1111-1111-1111-111111111111/v2.0",
      eventGridSystemTopicName: "evgt-acsplat-acs-prod-weu",
      eventQueueNames: ["email-delivery", "sms-delivery", "chat-messages"],
      eventStorageAccountName: "stacsplatevtprodweupmnwl",
      // What the smoke runbook reads to know which queue receives which events.
      eventSubscriptions: [
        { name: "email-delivery", eventTypes: ["Microsoft.Communication.EmailDeliveryReportReceived"], queueName: "email-delivery" },
        { name: "sms-delivery", eventTypes: ["Microsoft.Communication.SMSDeliveryReportReceived"], queueName: "sms-delivery" },
        {
          name: "chat-messages",
          eventTypes: [
            "Microsoft.Communication.ChatMessageReceived",
            "Microsoft.Communication.ChatMessageEdited",
            "Microsoft.Communication.ChatMessageDeleted",
            "Microsoft.Communication.ChatThreadCreatedWithUser",
            "Microsoft.Communication.ChatThreadWithUserDeleted",
          ],
          queueName: "chat-messages",
        },
      ],
      deadLetterContainerName: "deadletters",
      mappingTableName: "acsidentities",
      mappingTableEndpoint: "https://stacsplattokprodweupmnwl.table.core.windows.net",
      chatArchiveResourceGroupName: "rg-acsplat-archive-prod-weu",
      chatArchiveBlobEndpoint: "https://stacsplatarcprodweupmnwl.blob.core.windows.net/",
    });
  });
});

describe("event routing, token API and alerts config validation", () => {
  it("names an unknown event type with the accepted list", () => {
    const problems = problemsOf((c) => {
      c.eventRouting.subscriptions[0].eventTypes = ["Microsoft.Communication.EmailDelivered"];
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^acs-platform:eventRouting\.subscriptions\[0\]\.eventTypes\[0\] unknown event type "Microsoft\.Communication\.EmailDelivered"; accepted: Microsoft\.Communication\.SMSReceived, /,
    );
  });

  it("names a malformed budget e-mail address", () => {
    expect(
      problemsOf((c) => {
        c.alerts.budget.contactEmails = ["finops-at-contoso"];
      }),
    ).toEqual(['acs-platform:alerts.budget.contactEmails[0] must be an e-mail address; got "finops-at-contoso"']);
  });

  it("names an impossible threshold", () => {
    expect(
      problemsOf((c) => {
        c.alerts.rules = { webAppHealth: { threshold: 250 } };
      }),
    ).toEqual([
      "acs-platform:alerts.rules.webAppHealth.threshold must be greater than 0 and at most 100 (percent of healthy instances); got 250",
    ]);
    expect(
      problemsOf((c) => {
        c.alerts.rules = { eventGridDeadLettered: { threshold: -1 } };
      }),
    ).toEqual(["acs-platform:alerts.rules.eventGridDeadLettered.threshold must be at least 0; got -1"]);
  });

  it("names an empty CORS origin", () => {
    expect(
      problemsOf((c) => {
        c.tokenApi.corsAllowedOrigins = ["http://localhost:5173", ""];
      }),
    ).toEqual(["acs-platform:tokenApi.corsAllowedOrigins[1] must not be empty; give an origin such as https://app.example.com"]);
  });

  it("holds prod to two zone-redundant instances", () => {
    expect(
      problemsOf((c) => {
        c.environment = "prod";
        c.tags.env = "prod";
        c.tokenApi.plan = { skuName: "P1v3", instanceCount: 1 };
      }),
    ).toEqual([
      "acs-platform:tokenApi.plan.instanceCount must be at least 2 in prod",
      "acs-platform:tokenApi.plan.zoneRedundant must be true in prod (P1v3 supports zones)",
      "acs-platform:tokenApi.alwaysOn must be true in prod",
    ]);
  });
});
