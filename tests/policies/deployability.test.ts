// Tests for the deployability group: each rule passes the shape the program deploys and fails, with the message
// naming the resource, Azure's answer and the source, on the one mutation that reintroduces the failure.
import { afterEach, describe, expect, it, vi } from "vitest";
import { webAppserviceplanEnforceSkuTier } from "../../policies/web-appserviceplan-enforce-sku-tier";
import { costmanagementBudgetEnforceStartDateWindow } from "../../policies/costmanagement-budget-enforce-start-date-window";
import { communicationSenderDisallowDefaultUsername } from "../../policies/communication-sender-disallow-default-username";
import { communicationServiceDisallowUnverifiedDomainLink } from "../../policies/communication-service-disallow-unverified-domain-link";
import { communicationDomainDisallowDefaultSendingLimits } from "../../policies/communication-domain-disallow-default-sending-limits";
import {
  budgetStartProblem,
  EMAIL_DOMAIN_LIMITS_RAISED_TAG,
  EMAIL_DOMAIN_VERIFIED_TAG,
  firstDayOfMonthUtc,
  nodeRuntimeProblem,
  SOURCES,
} from "../../policies/deployability-facts";
import { monitorLogalertConfigureSkipQueryValidation, firstTable } from "../../policies/monitor-logalert-configure-skip-query-validation";
import { webWebappEnforceRouteAllForKeyvaultReferences } from "../../policies/web-webapp-enforce-route-all-for-keyvault-references";
import { webWebappDisallowEndOfLifeRuntime } from "../../policies/web-webapp-disallow-end-of-life-runtime";
import { webWebappEnforceRolesBeforeStartup } from "../../policies/web-webapp-enforce-roles-before-startup";
import { mutate, res, runResource, runStack, UNKNOWN, urnOf } from "./helpers";

const T = {
  acs: "azure-native:communication:CommunicationService",
  domain: "azure-native:communication:Domain",
  sender: "azure-native:communication:SenderUsername",
  budget: "azure-native:costmanagement:Budget",
  webApp: "azure-native:web:WebApp",
  plan: "azure-native:web:AppServicePlan",
  uai: "azure-native:managedidentity:UserAssignedIdentity",
  ra: "azure-native:authorization:RoleAssignment",
  query: "azure-native:monitor:ScheduledQueryRule",
  diag: "azure-native:monitor:DiagnosticSetting",
};

afterEach(() => {
  vi.useRealTimers();
});

describe("facts", () => {
  it.each([
    ["2026-12-01T00:00:00Z", "2026-12-15T10:00:00Z", undefined],
    ["2027-12-01", "2026-12-15T10:00:00Z", undefined],
    [
      "2026-11-01T00:00:00Z",
      "2026-12-01T00:00:00Z",
      'startDate "2026-11-01T00:00:00Z" lies before the current month (2026-12-01); a past start date must be within the current time grain',
    ],
    ["2028-01-01", "2026-12-15T10:00:00Z", 'startDate "2028-01-01" is more than twelve months ahead'],
    ["2026-12-02", "2026-12-15T10:00:00Z", 'startDate "2026-12-02" is not the first day of a month'],
  ])("budgetStartProblem(%s) at %s", (start, now, expected) => {
    expect(budgetStartProblem(start, new Date(now))).toBe(expected);
  });
  it("firstDayOfMonthUtc is the UTC month start, also late on the last day of a month in another zone", () => {
    expect(firstDayOfMonthUtc(new Date("2027-03-31T23:59:59Z"))).toBe("2027-03-01T00:00:00Z");
    expect(firstDayOfMonthUtc(new Date("2027-04-01T00:00:00Z"))).toBe("2027-04-01T00:00:00Z");
  });
  it.each([
    ["NODE|20-lts", "2026-12-01", "Node 20 reached end of life on 2026-04-30"],
    ["NODE|22-lts", "2026-12-01", undefined],
    ["NODE|22-lts", "2027-05-01", "Node 22 reached end of life on 2027-04-30"],
    ["NODE|16-lts", "2026-12-01", "Node 16 reached end of life before 2025-04-30"],
    ["DOTNETCORE|8.0", "2026-12-01", undefined],
  ])("nodeRuntimeProblem(%s) at %s", (fx, now, expected) => {
    expect(nodeRuntimeProblem(fx, new Date(`${now}T00:00:00Z`))).toBe(expected);
  });
  it("firstTable reads the table a query starts with", () => {
    expect(firstTable("ACSAuthIncomingOperations\n| where x")).toBe("ACSAuthIncomingOperations");
    expect(firstTable("_LogOperation | where Category == 'Ingestion'")).toBe("_LogOperation");
    expect(firstTable("let x = 1; T")).toBeUndefined();
  });
});

describe("communication-domain-disallow-default-sending-limits", () => {
  const p = communicationDomainDisallowDefaultSendingLimits;
  const stack = (tags: Record<string, string>, management = "CustomerManaged", tracking = "Disabled") => [
    res(T.domain, "domain", { domainName: "notify.contoso.com", domainManagement: management, userEngagementTracking: tracking, tags }),
    res(T.sender, "sender", { username: "alerts", senderUsername: "alerts", displayName: "Alerts" }, [urnOf(T.domain, "domain")]),
  ];
  const raised = { [EMAIL_DOMAIN_VERIFIED_TAG]: "true", [EMAIL_DOMAIN_LIMITS_RAISED_TAG]: "true" };
  const senderMessage = (why: string) =>
    `${T.sender} 'sender' adds 'alerts' on 'domain', ${why}. Azure refuses it ("Sender usernames cannot be enabled for Azure Managed ` +
    `Domains or custom domains with default sending limits"). Source: ${SOURCES.multipleSenders}`;
  const notRaised = `a domain not marked verified with raised sending limits (tags ${EMAIL_DOMAIN_VERIFIED_TAG} and ${EMAIL_DOMAIN_LIMITS_RAISED_TAG} are not both "true")`;
  it("passes a sender and tracking on a verified customer domain with raised limits", async () => {
    expect((await runStack(p, stack(raised, "CustomerManaged", "Enabled"))).messages).toEqual([]);
  });
  it("fails a sender on a verified domain whose limits are the default ones", async () => {
    const r = await runStack(p, stack({ [EMAIL_DOMAIN_VERIFIED_TAG]: "true", [EMAIL_DOMAIN_LIMITS_RAISED_TAG]: "false" }));
    expect(r.messages).toEqual([senderMessage(notRaised)]);
  });
  it("fails a sender and tracking on an Azure-managed domain, whatever its tags", async () => {
    const r = await runStack(p, stack(raised, "AzureManaged", "Enabled"));
    expect(r.messages).toEqual([
      senderMessage("an Azure-managed domain"),
      `${T.domain} 'domain' enables userEngagementTracking on an Azure-managed domain. Azure refuses it ("User Engagement Tracking cannot ` +
        `be enabled for Azure Managed Domains or custom domains with default sending limits"). Source: ${SOURCES.engagementTracking}`,
    ]);
  });
});

describe("communication-service-disallow-unverified-domain-link", () => {
  const p = communicationServiceDisallowUnverifiedDomainLink;
  const domainId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/emailServices/e/domains/notify.contoso.com";
  const stack = (verified: string | undefined, linked: unknown[] = [domainId]) => [
    res(T.domain, "domain", {
      id: domainId,
      domainName: "notify.contoso.com",
      domainManagement: "CustomerManaged",
      tags: verified === undefined ? {} : { [EMAIL_DOMAIN_VERIFIED_TAG]: verified },
    }),
    res(T.acs, "acs", { dataLocation: "Europe", linkedDomains: linked }, [urnOf(T.domain, "domain")]),
  ];
  it("passes a verified customer domain, an unlinked one and an Azure-managed one", async () => {
    expect((await runStack(p, stack("true"))).messages).toEqual([]);
    expect((await runStack(p, stack("false", []))).messages).toEqual([]);
    const managed = [
      res(T.domain, "managed", { id: "/d/AzureManagedDomain", domainManagement: "AzureManaged" }),
      res(T.acs, "acs", { linkedDomains: ["/d/AzureManagedDomain"] }),
    ];
    expect((await runStack(p, managed)).messages).toEqual([]);
  });
  it.each([["false"], [undefined]])("fails a customer domain linked while marked %s", async (verified) => {
    const r = await runStack(p, stack(verified));
    expect(r.messages).toEqual([
      `${T.acs} 'acs' links the customer-managed domain 'domain' (notify.contoso.com) before it is marked verified (tag ${EMAIL_DOMAIN_VERIFIED_TAG} is not "true"). ` +
        `Azure will answer that only verified domains can be linked ("This domain must be fully verified before attempting to link it"), and the create or update fails. Source: ${SOURCES.connectDomain}`,
    ]);
    expect(r.results.map((x) => [x.level, x.urn])).toEqual([["mandatory", urnOf(T.acs, "acs")]]);
  });
  it("fails a link to a customer domain whose id is unknown in a preview (created by this deployment), even if marked verified", async () => {
    const r = await runStack(p, stack("true", [UNKNOWN.string]));
    expect(r.messages).toEqual([
      `${T.acs} 'acs' links the customer-managed domain 'domain' (notify.contoso.com), which this deployment creates (its id is not known yet). Azure will answer that only verified domains can be linked ` +
        `("This domain must be fully verified before attempting to link it"), and the create or update fails. Source: ${SOURCES.connectDomain}`,
    ]);
  });
  it("passes an Azure-managed domain created and linked in the same preview (Azure-managed domains come verified)", async () => {
    const managed = [
      res(T.domain, "managed", { domainName: "AzureManagedDomain", domainManagement: "AzureManaged" }),
      res(T.acs, "acs", { linkedDomains: [UNKNOWN.string] }, [urnOf(T.domain, "managed")]),
    ];
    expect((await runStack(p, managed)).messages).toEqual([]);
  });
});

describe("communication-sender-disallow-default-username", () => {
  const p = communicationSenderDisallowDefaultUsername;
  const base = {
    senderUsername: "alerts",
    username: "alerts",
    displayName: "Alerts",
    domainName: "notify.contoso.com",
    emailServiceName: "e",
    resourceGroupName: "rg",
  };
  it("passes an extra sender", async () => {
    expect((await runResource(p, T.sender, base)).messages).toEqual([]);
  });
  it.each([["DoNotReply"], ["donotreply"]])("fails a declared %s sender", async (username) => {
    const r = await runResource(p, T.sender, { ...base, senderUsername: username, username });
    expect(r.messages).toEqual([
      `${T.sender} 'subject' declares '${username}' as a new resource on domain 'notify.contoso.com'. Azure already created it with the domain ` +
        `("it has default MailFrom address as donotreply@..."), and azure-native's create answers "cannot create already existing resource" ` +
        `(Communication has no entry in its default-resource list). Sources: ${SOURCES.multipleSenders}, ${SOURCES.azureNativeCreate}`,
    ]);
  });
});

describe("costmanagement-budget-enforce-start-date-window (fake clock)", () => {
  const p = costmanagementBudgetEnforceStartDateWindow;
  const budget = (startDate: string) => ({ amount: 100, timeGrain: "Monthly", category: "Cost", timePeriod: { startDate } });
  it("passes this month's first day and fails last month's once the clock moves on", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-10T08:00:00Z"));
    expect((await runResource(p, T.budget, budget("2026-12-01T00:00:00Z"))).messages).toEqual([]);
    vi.setSystemTime(new Date("2027-01-02T08:00:00Z"));
    expect((await runResource(p, T.budget, budget("2026-12-01T00:00:00Z"))).messages).toEqual([
      `${T.budget} 'subject': startDate "2026-12-01T00:00:00Z" lies before the current month (2027-01-01); a past start date must be within the current time grain. ` +
        `Cost Management rejects the create ("Future start date should not be more than twelve months. Past start date should be selected within the timegrain period"). Source: ${SOURCES.budgetTimePeriod}`,
    ]);
  });
});

describe("web-webapp-enforce-route-all-for-keyvault-references", () => {
  const p = webWebappEnforceRouteAllForKeyvaultReferences;
  const app = {
    kind: "app,linux",
    virtualNetworkSubnetId: "/subnets/app",
    outboundVnetRouting: { allTraffic: true },
    siteConfig: {
      appSettings: [
        { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/ai)" },
      ],
    },
  };
  it("passes route-all, and an app without VNet integration or without references", async () => {
    expect((await runResource(p, T.webApp, app)).messages).toEqual([]);
    expect(
      (await runResource(p, T.webApp, mutate(mutate(app, "outboundVnetRouting", undefined), "virtualNetworkSubnetId", undefined))).messages,
    ).toEqual([]);
    expect(
      (await runResource(p, T.webApp, mutate(mutate(app, "outboundVnetRouting", undefined), "siteConfig.appSettings", []))).messages,
    ).toEqual([]);
  });
  it.each([
    ["outboundVnetRouting", undefined],
    ["outboundVnetRouting", { applicationTraffic: true }],
  ])("fails with %s = %j", async (path, value) => {
    const r = await runResource(p, T.webApp, mutate(app, path, value));
    expect(r.messages).toEqual([
      `${T.webApp} 'subject' is a Linux app integrated into a virtual network with Key Vault references (APPLICATIONINSIGHTS_CONNECTION_STRING) but does not route all traffic into it. ` +
        `"Linux applications that connect to private endpoints must be explicitly configured to route all traffic through the virtual network"; with application traffic only, ` +
        `configuration traffic (Key Vault references) uses the public route, so the reference does not resolve. Sources: ${SOURCES.keyVaultReferences}, ${SOURCES.vnetRouting}`,
    ]);
  });
});

describe("web-webapp-enforce-roles-before-startup", () => {
  const p = webWebappEnforceRolesBeforeStartup;
  const uaiId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-token";
  const uai = urnOf(T.uai, "id");
  const settings = (identity: string) => [
    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/ai)" },
    { name: "WEBSITE_RUN_FROM_PACKAGE", value: "https://pkg.blob.core.windows.net/packages/app.zip" },
    { name: "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", value: identity },
  ];
  const stack = (appDeps: string[] = [urnOf(T.ra, "kv"), urnOf(T.ra, "pkg"), uai]) => [
    res(T.uai, "id", { id: uaiId, resourceName: "id-token" }),
    res(T.ra, "kv", { roleDefinitionId: "/kv-secrets-user" }, [uai]),
    res(T.ra, "pkg", { roleDefinitionId: "/blob-reader" }, [uai]),
    res(
      T.webApp,
      "app",
      { keyVaultReferenceIdentity: uaiId, identity: { type: "UserAssigned" }, siteConfig: { appSettings: settings(uaiId) } },
      appDeps,
    ),
  ];
  it("passes a user-assigned identity whose role assignments the site depends on", async () => {
    expect((await runStack(p, stack())).messages).toEqual([]);
  });
  it("fails a site that does not depend on one of its identity's role assignments", async () => {
    const r = await runStack(p, stack([urnOf(T.ra, "kv"), uai]));
    expect(r.messages).toEqual([
      `${T.webApp} 'app' does not depend on role assignment 'pkg' of 'id', so the site can start before the role exists and Key Vault references (APPLICATIONINSIGHTS_CONNECTION_STRING) and the run-from-package blob fail to load. Source: ${SOURCES.keyVaultReferences}`,
    ]);
  });
  it("fails a site whose user-assigned identity has no role assignment in the stack", async () => {
    const r = await runStack(
      p,
      stack([uai]).filter((x) => x.type !== T.ra),
    );
    expect(r.messages).toEqual([
      `${T.webApp} 'app' reads Key Vault references (APPLICATIONINSIGHTS_CONNECTION_STRING) and the run-from-package blob with 'id', which has no role assignment in this stack. Source: ${SOURCES.keyVaultReferences}`,
    ]);
  });
  it("fails a site that reads its references and package with its system-assigned identity", async () => {
    const app = res(T.webApp, "app", { identity: { type: "SystemAssigned" }, siteConfig: { appSettings: settings("SystemAssigned") } });
    const r = await runStack(p, [app]);
    expect(r.messages).toEqual(
      ["Key Vault references (APPLICATIONINSIGHTS_CONNECTION_STRING)", "the run-from-package blob"].map(
        (what) =>
          `${T.webApp} 'app' reads ${what} at start-up with its system-assigned identity, which exists only after the site is created, so its roles are granted after ` +
          `the first start and the app starts without access ("a user-assigned identity can be created and given access to the vault in advance"). Sources: ${SOURCES.keyVaultReferences}, ${SOURCES.runFromPackage}`,
      ),
    );
  });
});

describe("web-app rules during a real preview (values of resources this deployment creates are unknown)", () => {
  const uai = urnOf(T.uai, "id");
  const settings = [
    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/ai)" },
    { name: "WEBSITE_RUN_FROM_PACKAGE", value: UNKNOWN.string },
    { name: "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", value: UNKNOWN.string },
  ];
  const stack = (appDeps: string[]) => [
    res(T.uai, "id", { id: UNKNOWN.string, resourceName: "id-token" }),
    res(T.ra, "kv", { principalId: UNKNOWN.string }, [uai]),
    res(T.webApp, "app", { kind: "app,linux", keyVaultReferenceIdentity: UNKNOWN.string, siteConfig: { appSettings: settings } }, appDeps),
  ];
  it("resolves an unknown identity id to the identity the site depends on, and passes when the site waits for its grant", async () => {
    expect((await runStack(webWebappEnforceRolesBeforeStartup, stack([uai, urnOf(T.ra, "kv")]))).results).toEqual([]);
  });
  it("still fails when the site does not wait for the grant", async () => {
    expect((await runStack(webWebappEnforceRolesBeforeStartup, stack([uai]))).results.map((r) => [r.level, r.kind])).toEqual([
      ["mandatory", "violation"],
    ]);
  });
  it("treats an unknown subnet id as VNet integration for the route-all rule", async () => {
    const app = { kind: "app,linux", virtualNetworkSubnetId: UNKNOWN.string, siteConfig: { appSettings: settings } };
    expect((await runResource(webWebappEnforceRouteAllForKeyvaultReferences, T.webApp, app)).results.map((r) => [r.level, r.kind])).toEqual(
      [["mandatory", "violation"]],
    );
    expect(
      (
        await runResource(webWebappEnforceRouteAllForKeyvaultReferences, T.webApp, {
          ...app,
          outboundVnetRouting: { allTraffic: true },
        })
      ).results,
    ).toEqual([]);
  });
});

describe("web-appserviceplan-enforce-sku-tier", () => {
  const p = webAppserviceplanEnforceSkuTier;
  it.each([
    [{ name: "P1v3" }],
    [{ name: "P1v3", tier: "PremiumV3" }],
    [{ name: "P1mv3", tier: "PremiumMV3" }],
    [{ name: "P0v3", tier: "Premium0V3" }],
  ])("passes sku %j", async (sku) => {
    expect((await runResource(p, T.plan, { sku })).messages).toEqual([]);
  });
  it("fails P2mv3 with tier PremiumV3", async () => {
    expect((await runResource(p, T.plan, { sku: { name: "P2mv3", tier: "PremiumV3" } })).messages).toEqual([
      `${T.plan} 'subject' sets sku.tier 'PremiumV3' for SKU 'P2mv3', whose tier is PremiumMV3. Azure either rejects the mismatch or stores its own tier and every later preview shows a diff. Source: ${SOURCES.planTiers}`,
    ]);
  });
});

describe("monitor-logalert-configure-skip-query-validation", () => {
  const p = monitorLogalertConfigureSkipQueryValidation;
  const rule = (extra: Record<string, unknown>, deps: string[] = []) =>
    res(
      T.query,
      "rule",
      { criteria: { allOf: [{ query: "ACSAuthIncomingOperations | where toint(ResultSignature) >= 500" }] }, ...extra },
      deps,
    );
  it("passes skipQueryValidation or a dependency on the diagnostic setting", async () => {
    expect((await runStack(p, [rule({ skipQueryValidation: true })])).messages).toEqual([]);
    expect((await runStack(p, [res(T.diag, "acs-diag", {}), rule({}, [urnOf(T.diag, "acs-diag")])])).messages).toEqual([]);
  });
  it("fails a rule over ACSAuthIncomingOperations that validates its query at creation", async () => {
    expect((await runStack(p, [rule({})])).messages).toEqual([
      `${T.query} 'rule' queries 'ACSAuthIncomingOperations', a table diagnostic settings create on first ingestion, without skipQueryValidation: ` +
        `in a new workspace Azure answers 400 "SEM0100 Failed to resolve table" and the create fails. Source: ${SOURCES.logAlertValidation}`,
    ]);
  });
});

describe("web-webapp-disallow-end-of-life-runtime", () => {
  const p = webWebappDisallowEndOfLifeRuntime;
  it("passes NODE|22-lts and fails NODE|20-lts (after 2026-04-30)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T00:00:00Z"));
    expect((await runResource(p, T.webApp, { siteConfig: { linuxFxVersion: "NODE|22-lts" } })).messages).toEqual([]);
    expect((await runResource(p, T.webApp, { siteConfig: { linuxFxVersion: "NODE|20-lts" } })).messages).toEqual([
      `${T.webApp} 'subject' runs 'NODE|20-lts': Node 20 reached end of life on 2026-04-30. "Once a version of Node.js has reached its end of life it will no longer ` +
        `be available from Runtime Stack selection" and gets no patches. Sources: ${SOURCES.nodeReleases}, ${SOURCES.nodeOnAppService}`,
    ]);
  });
});
