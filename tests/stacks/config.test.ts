// Config validation: every invalid value yields one error naming the key and what is accepted (a table test).
import { describe, expect, it } from "vitest";
import { parseConfig, rawConfigFromPulumi } from "../../stacks/config";
import { problemsOf, validConfig as valid, type RawConfig as Raw } from "./config-cases";

const ADOPTED = "/subscriptions/a0c50000-0000-4000-8000-000000000001/resourceGroups/rg-comms/providers/Microsoft.Communication";
/** A valid `communication.existing` block (Europe, like validConfig's dataLocation). */
const EXISTING = {
  communicationService: { id: `${ADOPTED}/communicationServices/comms`, dataLocation: "Europe" },
  emailService: { id: `${ADOPTED}/emailServices/mail`, dataLocation: "Europe" },
  domains: [
    {
      id: `${ADOPTED}/emailServices/mail/domains/AzureManagedDomain`,
      domainManagement: "AzureManaged",
      userEngagementTracking: "Disabled",
    },
  ],
};

describe("parseConfig", () => {
  it("fills the secure defaults of optional sections", () => {
    const raw = valid();
    delete raw.logAnalytics;
    delete raw.keyVault;
    delete raw.network;
    delete raw.alerts;
    delete raw.communication;
    raw.email.domains[0] = { kind: "AzureManaged" };
    const config = parseConfig(raw);
    expect(config.logAnalytics).toEqual({ retentionInDays: 30, dailyQuotaGb: 1 });
    expect(config.keyVault).toEqual({
      sku: "standard",
      enablePurgeProtection: true,
      softDeleteRetentionInDays: 90,
      publicNetworkAccess: "Disabled",
      allowedIpRanges: [],
      secretName: "acs-connection-string",
      activeKey: "primary",
      deleteLock: true,
    });
    expect(config.network).toEqual({
      enabled: true,
      addressSpace: "10.20.0.0/24",
      appServiceSubnetPrefix: "10.20.0.0/26",
      privateEndpointSubnetPrefix: "10.20.0.64/27",
      existingPrivateDnsZoneIds: {},
    });
    expect(config.alerts).toEqual({ rules: {} });
    expect(config.communication).toEqual({ deleteLock: true, disableLocalAuth: false });
    expect(config.email?.domains[0]).toEqual({ kind: "AzureManaged", senders: [], userEngagementTracking: false, linkToAcs: true });
  });

  it("a customer-managed domain starts unverified, so the deployment that creates it does not link it", () => {
    const raw = valid();
    raw.email.domains.push({ kind: "CustomerManaged", domainName: "notify.example.com" });
    expect(parseConfig(raw).email?.domains[1]).toEqual({
      kind: "CustomerManaged",
      domainName: "notify.example.com",
      senders: [],
      userEngagementTracking: false,
      linkToAcs: true,
      verified: false,
      sendingLimitsRaised: false,
    });
  });

  it("fills the field defaults a partly given section leaves out", () => {
    const raw = valid();
    raw.keyVault = { sku: "premium", publicNetworkAccess: "Enabled", enablePurgeProtection: false, deleteLock: false };
    raw.logAnalytics = { retentionInDays: 90 };
    const config = parseConfig(raw);
    expect(config.keyVault).toEqual({
      sku: "premium",
      enablePurgeProtection: false,
      softDeleteRetentionInDays: 90,
      publicNetworkAccess: "Enabled",
      allowedIpRanges: [],
      secretName: "acs-connection-string",
      activeKey: "primary",
      deleteLock: false,
    });
    expect(config.logAnalytics).toEqual({ retentionInDays: 90, dailyQuotaGb: 1 });
  });

  it.each<[string, (c: Raw) => void, string[]]>([
    [
      "unknown data location",
      (c) => void (c.dataLocation = "Mars"),
      [
        'acs-platform:dataLocation must be one of Africa, Asia Pacific, Australia, Brazil, Canada, Europe, France, Germany, India, Japan, Korea, Norway, Switzerland, UAE, UK, United States; got "Mars"',
      ],
    ],
    ["missing app name", (c) => void delete c.appName, ["acs-platform:appName is required (expected a string)"]],
    [
      "app name with odd characters",
      (c) => void (c.appName = "My_App"),
      ['acs-platform:appName must be application name: lowercase letters, digits and single hyphens, starting with a letter; got "My_App"'],
    ],
    [
      "app name with a double hyphen",
      (c) => void (c.appName = "acs--x"),
      ['acs-platform:appName must be application name: lowercase letters, digits and single hyphens, starting with a letter; got "acs--x"'],
    ],
    [
      "environment too long",
      (c) => {
        c.environment = "integration-test1";
        c.tags.env = c.environment;
      },
      ['acs-platform:environment must be at most 16 characters; got "integration-test1"'],
    ],
    [
      "unknown region",
      (c) => void (c.location = "moon"),
      [
        'acs-platform:location must be one of australiaeast, brazilsouth, canadacentral, centralindia, centralus, eastasia, eastus, eastus2, francecentral, germanywestcentral, japaneast, koreacentral, northeurope, norwayeast, southafricanorth, southeastasia, swedencentral, switzerlandnorth, uaenorth, uksouth, westeurope, westus2, westus3; got "moon"',
      ],
    ],
    ["bad name suffix", (c) => void (c.nameSuffix = "AB"), ['acs-platform:nameSuffix must be 5 lowercase letters or digits; got "AB"']],
    ["missing required tag", (c) => void delete c.tags.owner, ["acs-platform:tags.owner is required (expected a string)"]],
    [
      "unknown classification",
      (c) => void (c.tags.dataClassification = "secret"),
      ['acs-platform:tags.dataClassification must be one of public, internal, confidential, restricted; got "secret"'],
    ],
    [
      "env tag differs from environment",
      (c) => void (c.tags.env = "prod"),
      ['acs-platform:tags.env must equal acs-platform:environment ("dev"); got "prod"'],
    ],
    [
      "unknown tag",
      (c) => void (c.tags.team = "x"),
      ["acs-platform:tags has unknown key(s) team; accepted keys: env, owner, costCenter, dataClassification, service"],
    ],
    [
      "unknown domain kind",
      (c) => void (c.email.domains[0].kind = "Gmail"),
      ['acs-platform:email.domains[0].kind must be one of AzureManaged, CustomerManaged; got "Gmail"'],
    ],
    [
      "customer-managed domain without a name",
      (c) => void (c.email.domains[0].kind = "CustomerManaged"),
      ["acs-platform:email.domains[0].domainName is required (expected a string)"],
    ],
    [
      "customer-managed domain with uppercase",
      (c) =>
        void (c.email.domains[0] = {
          kind: "CustomerManaged",
          domainName: "Mail.Contoso.com",
          senders: [{ username: "a", displayName: "A" }],
        }),
      ['acs-platform:email.domains[0].domainName must be a lowercase DNS domain such as mail.example.com; got "Mail.Contoso.com"'],
    ],
    [
      "the default sender listed",
      (c) =>
        void (c.email.domains[0] = {
          kind: "CustomerManaged",
          domainName: "notify.example.com",
          senders: [{ username: "donotreply", displayName: "Contoso" }],
        }),
      [
        'acs-platform:email.domains[0].senders[0].username "donotreply" is the default sender Azure creates on every domain; it is not declared (its address is in emailSenderAddresses): list only extra senders',
      ],
    ],
    [
      "sender with a space",
      (c) =>
        void (c.email.domains[0] = {
          kind: "CustomerManaged",
          domainName: "notify.example.com",
          senders: [{ username: "do not reply", displayName: "x" }],
        }),
      [
        `acs-platform:email.domains[0].senders[0].username must be an e-mail local part: letters, digits, '.', '_' and '-'; got "do not reply"`,
      ],
    ],
    [
      "unknown sender key",
      (c) =>
        void (c.email.domains[0] = {
          kind: "CustomerManaged",
          domainName: "notify.example.com",
          senders: [{ username: "news", displayName: "News", reply: "x" }],
        }),
      ["acs-platform:email.domains[0].senders[0] has unknown key(s) reply; accepted keys: username, displayName"],
    ],
    [
      "a sender on the Azure-managed domain",
      (c) => void (c.email.domains[0] = { kind: "AzureManaged", senders: [{ username: "news", displayName: "News" }] }),
      [
        'acs-platform:email.domains[0].senders must be empty on an AzureManaged domain: Azure allows no sender username but DoNotReply there ("Sender usernames cannot be enabled for Azure Managed Domains", https://learn.microsoft.com/azure/communication-services/quickstarts/email/add-multiple-senders); use a CustomerManaged domain with sendingLimitsRaised',
      ],
    ],
    [
      "engagement tracking on the Azure-managed domain",
      (c) => void (c.email.domains[0] = { kind: "AzureManaged", userEngagementTracking: true }),
      [
        'acs-platform:email.domains[0].userEngagementTracking must be false on an AzureManaged domain ("User Engagement Tracking cannot be enabled for Azure Managed Domains", https://learn.microsoft.com/azure/communication-services/quickstarts/email/enable-user-engagement-tracking); use a CustomerManaged domain with sendingLimitsRaised',
      ],
    ],
    [
      "two Azure-managed domains",
      (c) => void c.email.domains.push(c.email.domains[0]),
      [
        "acs-platform:email.domains may contain at most one AzureManaged domain",
        'acs-platform:email.domains lists domain "AzureManagedDomain" twice',
      ],
    ],
    ["domains not a list", (c) => void (c.email = { domains: "x" }), ['acs-platform:email.domains must be a list; got "x"']],
    [
      "retention too short",
      (c) => void (c.logAnalytics = { retentionInDays: 10 }),
      ["acs-platform:logAnalytics.retentionInDays must be at least 30; got 10"],
    ],
    [
      "retention too long",
      (c) => void (c.logAnalytics = { retentionInDays: 731 }),
      ["acs-platform:logAnalytics.retentionInDays must be at most 730; got 731"],
    ],
    [
      "daily cap not a number",
      (c) => void (c.logAnalytics = { dailyQuotaGb: "lots" }),
      ['acs-platform:logAnalytics.dailyQuotaGb must be a number; got "lots"'],
    ],
    [
      "recipient e-mail invalid",
      (c) => void (c.alertRecipients[0].email = "nope"),
      ['acs-platform:alertRecipients[0].email must be an e-mail address; got "nope"'],
    ],
    ["no recipients", (c) => void (c.alertRecipients = []), ["acs-platform:alertRecipients must be a list of at least 1 item(s); got []"]],
    [
      "soft delete too long",
      (c) => void (c.keyVault = { ...c.keyVault, softDeleteRetentionInDays: 100 }),
      ["acs-platform:keyVault.softDeleteRetentionInDays must be at most 90; got 100"],
    ],
    [
      "public access value",
      (c) => void (c.keyVault = { publicNetworkAccess: "Open" }),
      ['acs-platform:keyVault.publicNetworkAccess must be one of Enabled, Disabled; got "Open"'],
    ],
    [
      "ip range",
      (c) => void (c.keyVault = { ...c.keyVault, allowedIpRanges: ["10.0.0.0/8", "x"] }),
      [
        'acs-platform:keyVault.allowedIpRanges[1] must be an IPv4 address or CIDR range; got "x"',
        "acs-platform:network.enabled must be true when the Key Vault denies public traffic (keyVault.publicNetworkAccess Disabled or keyVault.allowedIpRanges set): the token API reads the vault",
      ],
    ],
    [
      "storage firewall denying without the network (the section's default)",
      (c) => void (c.storage = {}),
      [
        "acs-platform:storage.networkDefaultAction is Deny but network.enabled is false: the token API would reach its mapping table only from App Service's shared addresses, which a storage firewall cannot admit; enable the network or set Allow",
      ],
    ],
    [
      "storage firewall address as a /32",
      (c) => void (c.storage = { ...c.storage, allowedIpRanges: ["203.0.113.7/32"] }),
      [
        'acs-platform:storage.allowedIpRanges[0] must be a CIDR range of prefix /30 or shorter: storage IP rules take no /31 or /32 range, list its addresses one by one instead; got "203.0.113.7/32"',
      ],
    ],
    [
      "storage firewall address in a private range",
      (c) => void (c.storage = { ...c.storage, allowedIpRanges: ["10.1.0.0/16"] }),
      [
        'acs-platform:storage.allowedIpRanges[0] must be a public internet IPv4 address or range: it overlaps 10.0.0.0/8, private (RFC 1918), which storage IP rules do not accept (a subnet of your own network is admitted by the virtual network rule); got "10.1.0.0/16"',
      ],
    ],
    [
      "storage soft delete beyond a year",
      (c) => void (c.storage = { ...c.storage, softDeleteRetentionDays: 400 }),
      ["acs-platform:storage.softDeleteRetentionDays must be at most 365; got 400"],
    ],
    [
      "an Entra issuer naming the tenant by domain (what the example stacks said before)",
      (c) =>
        void (c.tokenApi = {
          ...c.tokenApi,
          oidc: { issuer: "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0", audience: "api://acs-platform-token" },
        }),
      [
        'acs-platform:tokenApi.oidc.issuer must be https://login.microsoftonline.com/<tenant id>/v2.0 with the tenant id a GUID (Entra admin center, Overview, Tenant ID), the `iss` of v2.0 access tokens; got "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"',
        "acs-platform:tokenApi.oidc.audience must be the token API registration's Application (client) ID, a GUID, when the issuer is Entra ID: the `aud` of v2.0 access tokens is always the API's client id; got \"api://acs-platform-token\"",
      ],
    ],
    [
      "token API storage SKU",
      (c) => void (c.storage = { ...c.storage, tokenApiSku: "Premium_LRS" }),
      ['acs-platform:storage.tokenApiSku must be one of Standard_LRS, Standard_ZRS, Standard_GRS, Standard_GZRS; got "Premium_LRS"'],
    ],
    [
      "active key",
      (c) => void (c.keyVault = { activeKey: "tertiary" }),
      ['acs-platform:keyVault.activeKey must be one of primary, secondary; got "tertiary"'],
    ],
    [
      "misspelt key vault option",
      (c) => void (c.keyVault = { ...c.keyVault, purgeProtection: true }),
      [
        "acs-platform:keyVault has unknown key(s) purgeProtection; accepted keys: sku, enablePurgeProtection, softDeleteRetentionInDays, publicNetworkAccess, allowedIpRanges, secretName, activeKey, deleteLock",
      ],
    ],
    [
      "vault denies public traffic but no private network (the prod defect)",
      (c) => void (c.keyVault.allowedIpRanges = ["203.0.113.0/24"]),
      [
        "acs-platform:network.enabled must be true when the Key Vault denies public traffic (keyVault.publicNetworkAccess Disabled or keyVault.allowedIpRanges set): the token API reads the vault",
      ],
    ],
    [
      "malformed address space",
      (c) => void (c.network = { enabled: true, addressSpace: "10.20.0.1/24" }),
      ['acs-platform:network.addressSpace must be an IPv4 CIDR range without host bits, e.g. 10.20.0.0/24; got "10.20.0.1/24"'],
    ],
    [
      "subnet outside the address space",
      (c) => void (c.network = { enabled: true, privateEndpointSubnetPrefix: "10.30.0.0/27" }),
      ["acs-platform:network.privateEndpointSubnetPrefix must lie within addressSpace 10.20.0.0/24; got 10.30.0.0/27"],
    ],
    [
      "misspelt network option",
      (c) => void (c.network = { enable: true }),
      [
        "acs-platform:network has unknown key(s) enable; accepted keys: enabled, addressSpace, appServiceSubnetPrefix, privateEndpointSubnetPrefix, existingPrivateDnsZoneIds",
      ],
    ],
    [
      "an existing DNS zone that is not a vault zone",
      (c) =>
        void (c.network = {
          existingPrivateDnsZoneIds: {
            vault: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/example.com",
          },
        }),
      [
        'acs-platform:network.existingPrivateDnsZoneIds.vault must be the resource id of a privatelink.vaultcore.azure.net private DNS zone; got "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/example.com"',
      ],
    ],
    [
      "ACS keys off while the token API reads them",
      (c) => void (c.communication = { disableLocalAuth: true }),
      [
        'acs-platform:communication.disableLocalAuth turns off the ACS keys the token API reads in acsAuthMode "key-vault"; set tokenApi.acsAuthMode to managed-identity first',
      ],
    ],
    [
      "an adopted ACS resource whose data location the stack contradicts",
      (c) => {
        delete c.email;
        const existing = structuredClone(EXISTING);
        existing.communicationService.dataLocation = "Germany";
        existing.emailService.dataLocation = "Germany";
        c.communication = { existing };
      },
      [
        'acs-platform:communication.existing.communicationService.dataLocation is "Germany" but acs-platform:dataLocation is "Europe"; dataLocation is create-only, so the import cannot take the resource over: set acs-platform:dataLocation to "Germany"',
      ],
    ],
    [
      "email domains beside an adopted estate",
      (c) => void (c.communication = { existing: structuredClone(EXISTING) }),
      [
        "acs-platform:email is set together with communication.existing, which adopts the Email service and its domains; remove acs-platform:email (npm run adopt -- --write does)",
      ],
    ],
    [
      "neither email nor an adopted estate",
      (c) => void delete c.email,
      ["acs-platform:email is required (an object with domains), unless acs-platform:communication.existing adopts existing email domains"],
    ],
  ])("%s", (_, mutate, expected) => {
    expect(problemsOf(mutate)).toEqual(expected);
  });

  it("names an unknown top-level key and lists the accepted ones", () => {
    const [problem, ...rest] = problemsOf((c) => void (c.dataLocaton = "Europe"));
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^acs-platform:dataLocaton is not a known key; accepted keys: appName, environment, location, dataLocation, nameSuffix, tags, email, logAnalytics, alertRecipients, keyVault(, \w+)*$/,
    );
  });

  it("the error message lists every problem, one per line", () => {
    const config = valid();
    config.dataLocation = "Mars";
    delete config.appName;
    expect(() => parseConfig(config)).toThrow(
      'invalid stack configuration:\n  acs-platform:appName is required (expected a string)\n  acs-platform:dataLocation must be one of Africa, Asia Pacific, Australia, Brazil, Canada, Europe, France, Germany, India, Japan, Korea, Norway, Switzerland, UAE, UK, United States; got "Mars"',
    );
  });
});

describe("rawConfigFromPulumi", () => {
  it("parses structured values, keeps strings, ignores other namespaces", () => {
    expect(
      rawConfigFromPulumi({
        "acs-platform:appName": "acsplat",
        "acs-platform:tags": '{"env":"dev"}',
        "acs-platform:alertRecipients": '[{"name":"a"}]',
        "acs-platform:logAnalytics": '{"retentionInDays":30}',
        "azure-native:location": "westeurope",
      }),
    ).toEqual({ appName: "acsplat", tags: { env: "dev" }, alertRecipients: [{ name: "a" }], logAnalytics: { retentionInDays: 30 } });
  });
});
