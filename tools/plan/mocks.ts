// The mock cloud of the offline plan: deterministic ids and the computed outputs Azure would return (host names,
// vault URIs, workspace ids, verification records), so outputs resolve and read like a real deployment. Every
// value here is a placeholder produced locally; nothing is read from Azure.
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/** The offline plan's deterministic subscription: getClientConfig's answer (so the name suffix is fixed) and every
 *  mocked resource id's, unless a test chooses another. */
export const MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
/** Tenant id returned by the mocked getClientConfig. */
export const MOCK_TENANT_ID = "11111111-1111-1111-1111-111111111111";

/** A GUID-shaped, deterministic placeholder derived from `seed`. */
export function mockGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** ARM provider path and name input of each azure-native type the mocks know; others get a generic id. */
const ARM_TYPES: Record<string, { path: string; nameInput: string }> = {
  "azure-native:operationalinsights:Workspace": { path: "Microsoft.OperationalInsights/workspaces", nameInput: "workspaceName" },
  "azure-native:applicationinsights:Component": { path: "Microsoft.Insights/components", nameInput: "resourceName" },
  "azure-native:monitor:ActionGroup": { path: "Microsoft.Insights/actionGroups", nameInput: "actionGroupName" },
  "azure-native:communication:CommunicationService": {
    path: "Microsoft.Communication/communicationServices",
    nameInput: "communicationServiceName",
  },
  "azure-native:communication:EmailService": { path: "Microsoft.Communication/emailServices", nameInput: "emailServiceName" },
  "azure-native:keyvault:Vault": { path: "Microsoft.KeyVault/vaults", nameInput: "vaultName" },
  "azure-native:storage:StorageAccount": { path: "Microsoft.Storage/storageAccounts", nameInput: "accountName" },
  "azure-native:web:WebApp": { path: "Microsoft.Web/sites", nameInput: "name" },
  "azure-native:web:AppServicePlan": { path: "Microsoft.Web/serverfarms", nameInput: "name" },
  "azure-native:eventgrid:SystemTopic": { path: "Microsoft.EventGrid/systemTopics", nameInput: "systemTopicName" },
  "azure-native:managedidentity:UserAssignedIdentity": {
    path: "Microsoft.ManagedIdentity/userAssignedIdentities",
    nameInput: "resourceName",
  },
  "azure-native:network:NetworkSecurityGroup": { path: "Microsoft.Network/networkSecurityGroups", nameInput: "networkSecurityGroupName" },
  "azure-native:network:NatGateway": { path: "Microsoft.Network/natGateways", nameInput: "natGatewayName" },
  "azure-native:network:PublicIPAddress": { path: "Microsoft.Network/publicIPAddresses", nameInput: "publicIpAddressName" },
};

/** Name input of types whose id the switch below builds itself. */
const NAME_INPUTS: Record<string, string> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:communication:Domain": "domainName",
  "azure-native:communication:SenderUsername": "senderUsername",
  "azure-native:keyvault:Secret": "secretName",
  "azure-native:monitor:DiagnosticSetting": "name",
  "azure-native:authorization:RoleAssignment": "roleAssignmentName",
  "azure-native:authorization:ManagementLockByScope": "lockName",
  "azure-native:storage:BlobContainer": "containerName",
  "azure-native:storage:Queue": "queueName",
  "azure-native:storage:Table": "tableName",
  "azure-native:storage:Blob": "blobName",
  "azure-native:eventgrid:SystemTopicEventSubscription": "eventSubscriptionName",
  "azure-native:costmanagement:Budget": "budgetName",
};

/** Storage child types: their id lives under the account's service (`<account id>/<service>/default/<kind>/<name>`). */
const STORAGE_CHILDREN: Record<string, string> = {
  "azure-native:storage:BlobContainer": "blobServices/default/containers",
  "azure-native:storage:Queue": "queueServices/default/queues",
  "azure-native:storage:Table": "tableServices/default/tables",
};

type Inputs = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function rgId(inputs: Inputs, subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${str(inputs["resourceGroupName"]) ?? "rg"}`;
}

/** Every string leaf of `value` with its path (`a.b[0].c`). */
function leaves(value: unknown, at = "", out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === "string") out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${at}[${i}]`, out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) leaves(v, at === "" ? k : `${at}.${k}`, out);
  }
  return out;
}

/** Shorter strings (enum values, counts) are not distinctive enough to recognise a mock value downstream. */
const MIN_INVENTED_LENGTH = 8;

/** Pulumi mocks that compute ids and outputs per Azure type; one instance per evaluated stack. */
export class PlanMocks implements pulumi.runtime.Mocks {
  private readonly acsHosts = new Map<string, string>();
  /** Values this mock made up (not echoed inputs), with the resource (type and name) or invoke they belong to. */
  readonly invented: Array<{ type: string; name: string; value: string }> = [];

  /** `subscriptionId`: the subscription the mocked provider deploys to (a test of two subscriptions sets it). */
  constructor(readonly subscriptionId: string = MOCK_SUBSCRIPTION_ID) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const result = this.compute(args);
    if (args.custom) {
      // Any string the program passed in (secret-wrapped values included) is not invented, wherever it reappears.
      const given = new Set(leaves(args.inputs).map(([, v]) => v));
      const add = (value: string) => {
        if (value.length >= MIN_INVENTED_LENGTH) this.invented.push({ type: args.type, name: args.name, value });
      };
      if (result.id !== undefined) add(result.id);
      for (const [p, v] of leaves(result.state)) if (p !== "id" && p !== "name" && !given.has(v)) add(v);
    }
    return result;
  }

  private compute(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const inputs = args.inputs as Inputs;
    if (!args.custom) return { id: undefined, state: inputs };
    const [, module = "", typeName = ""] = args.type.split(":");
    const known = ARM_TYPES[args.type];
    const nameInput =
      known?.nameInput ??
      NAME_INPUTS[args.type] ??
      Object.keys(inputs)
        .sort()
        .find((k) => k.endsWith("Name") && k !== "resourceGroupName" && typeof inputs[k] === "string");
    const name = (nameInput !== undefined ? str(inputs[nameInput]) : undefined) ?? args.name;
    let id = `${rgId(inputs, this.subscriptionId)}/providers/${known?.path ?? `Microsoft.${module}/${typeName}`}/${name}`;
    const state: Inputs = { ...inputs, name };
    // Any system-assigned identity gets a principal, as Azure assigns one on create.
    const identity = inputs["identity"] as Inputs | undefined;
    if (typeof identity?.["type"] === "string" && identity["type"].includes("SystemAssigned")) {
      state["identity"] = { ...identity, principalId: mockGuid(`identity/${args.type}/${name}`), tenantId: MOCK_TENANT_ID };
    }

    switch (args.type) {
      case "azure-native:resources:ResourceGroup":
        id = `/subscriptions/${this.subscriptionId}/resourceGroups/${name}`;
        break;
      case "azure-native:operationalinsights:Workspace":
        state["customerId"] = mockGuid(`workspace/${name}`);
        break;
      case "azure-native:applicationinsights:Component": {
        const key = mockGuid(`appi/${name}`);
        state["instrumentationKey"] = key;
        state["connectionString"] = `InstrumentationKey=${key};IngestionEndpoint=https://mock.in.applicationinsights.azure.com/`;
        break;
      }
      case "azure-native:communication:CommunicationService": {
        const geo = (str(inputs["dataLocation"]) ?? "unitedstates").toLowerCase().replace(/\s+/g, "");
        const hostName = `${name}.${geo}.communication.azure.com`;
        this.acsHosts.set(name, hostName);
        state["hostName"] = hostName;
        state["immutableResourceId"] = mockGuid(`acs/${name}`);
        state["identity"] = {
          ...((inputs["identity"] as Inputs | undefined) ?? {}),
          principalId: mockGuid(`acs-identity/${name}`),
          tenantId: MOCK_TENANT_ID,
        };
        break;
      }
      case "azure-native:communication:Domain": {
        id = `${rgId(inputs, this.subscriptionId)}/providers/Microsoft.Communication/emailServices/${str(inputs["emailServiceName"]) ?? ""}/domains/${name}`;
        const azureManaged = inputs["domainManagement"] === "AzureManaged";
        const sender = azureManaged ? `${mockGuid(`domain/${id}`)}.azurecomm.net` : name;
        state["fromSenderDomain"] = sender;
        state["mailFromSenderDomain"] = sender;
        state["verificationRecords"] = azureManaged
          ? {}
          : {
              domain: { type: "TXT", name, value: `ms-domain-verification=${mockGuid(`verify/${id}`)}`, ttl: 3600 },
              sPF: { type: "TXT", name, value: "v=spf1 include:spf.protection.outlook.com -all", ttl: 3600 },
              dKIM: {
                type: "CNAME",
                name: "selector1-azurecomm-prod-net._domainkey",
                value: "selector1-azurecomm-prod-net._domainkey.azurecomm.net",
                ttl: 3600,
              },
              dKIM2: {
                type: "CNAME",
                name: "selector2-azurecomm-prod-net._domainkey",
                value: "selector2-azurecomm-prod-net._domainkey.azurecomm.net",
                ttl: 3600,
              },
            };
        break;
      }
      case "azure-native:communication:SenderUsername":
        id = `${rgId(inputs, this.subscriptionId)}/providers/Microsoft.Communication/emailServices/${str(inputs["emailServiceName"]) ?? ""}/domains/${str(inputs["domainName"]) ?? ""}/senderUsernames/${name}`;
        break;
      case "azure-native:keyvault:Vault":
        state["properties"] = { ...((inputs["properties"] as Inputs | undefined) ?? {}), vaultUri: `https://${name}.vault.azure.net/` };
        break;
      case "azure-native:keyvault:Secret": {
        const vault = str(inputs["vaultName"]) ?? "";
        id = `${rgId(inputs, this.subscriptionId)}/providers/Microsoft.KeyVault/vaults/${vault}/secrets/${name}`;
        // A secret `properties` input arrives wrapped ({<sig>, value}); spreading the wrapper would turn the whole
        // state into that secret and drop the computed URIs, so spread the wrapped value instead.
        const rawProps = (inputs["properties"] as Inputs | undefined) ?? {};
        const props = rawProps[specialSigKey] !== undefined ? ((rawProps["value"] as Inputs | undefined) ?? {}) : rawProps;
        state["properties"] = {
          ...props,
          secretUri: `https://${vault}.vault.azure.net/secrets/${name}`,
          secretUriWithVersion: `https://${vault}.vault.azure.net/secrets/${name}/${mockGuid(id).replace(/-/g, "")}`,
        };
        break;
      }
      case "azure-native:storage:StorageAccount":
        state["primaryEndpoints"] = {
          blob: `https://${name}.blob.core.windows.net/`,
          queue: `https://${name}.queue.core.windows.net/`,
          table: `https://${name}.table.core.windows.net/`,
          file: `https://${name}.file.core.windows.net/`,
        };
        break;
      case "azure-native:storage:BlobContainer":
      case "azure-native:storage:Queue":
      case "azure-native:storage:Table":
        id = `${rgId(inputs, this.subscriptionId)}/providers/Microsoft.Storage/storageAccounts/${str(inputs["accountName"]) ?? ""}/${STORAGE_CHILDREN[args.type] ?? ""}/${name}`;
        break;
      case "azure-native:web:WebApp":
        state["defaultHostName"] = `${name}.azurewebsites.net`;
        state["identity"] = {
          ...((inputs["identity"] as Inputs | undefined) ?? {}),
          principalId: mockGuid(`webapp-identity/${name}`),
          tenantId: MOCK_TENANT_ID,
        };
        break;
      case "azure-native:managedidentity:UserAssignedIdentity":
        state["principalId"] = mockGuid(`uai-principal/${name}`);
        state["clientId"] = mockGuid(`uai-client/${name}`);
        state["tenantId"] = MOCK_TENANT_ID;
        break;
      case "azure-native:eventgrid:SystemTopic":
        state["identity"] = {
          ...((inputs["identity"] as Inputs | undefined) ?? {}),
          principalId: mockGuid(`systemtopic-identity/${name}`),
          tenantId: MOCK_TENANT_ID,
        };
        break;
      case "azure-native:monitor:DiagnosticSetting":
        id = `${str(inputs["resourceUri"]) ?? ""}/providers/Microsoft.Insights/diagnosticSettings/${name}`;
        break;
      case "azure-native:authorization:RoleAssignment":
        id = `${str(inputs["scope"]) ?? ""}/providers/Microsoft.Authorization/roleAssignments/${str(inputs["roleAssignmentName"]) ?? name}`;
        break;
      case "azure-native:authorization:ManagementLockByScope":
        id = `${str(inputs["scope"]) ?? ""}/providers/Microsoft.Authorization/locks/${str(inputs["lockName"]) ?? name}`;
        break;
    }
    // An imported resource keeps the id it is imported with: azure-native's Read returns the import id verbatim
    // (pulumi-azure-native provider/pkg/provider/provider.go Read), and the mock monitor passes it as `args.id`.
    if (args.id !== undefined && args.id !== "") id = args.id;
    return { id, state: { ...state, id } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const result = this.computeCall(args);
    // list* invokes return keys and connection strings: secrets, never recorded.
    if (/:list[A-Z]/.test(args.token)) return result;
    for (const [, v] of leaves(result)) {
      if (v.length >= MIN_INVENTED_LENGTH) this.invented.push({ type: `invoke:${args.token}`, name: "", value: v });
    }
    return result;
  }

  private computeCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const inputs = args.inputs as Inputs;
    switch (args.token) {
      case "azure-native:authorization:getClientConfig":
        return {
          clientId: mockGuid("client"),
          objectId: mockGuid("deployer"),
          subscriptionId: this.subscriptionId,
          tenantId: MOCK_TENANT_ID,
        };
      case "azure-native:communication:listCommunicationServiceKeys": {
        const name = str(inputs["communicationServiceName"]) ?? "acs";
        const host = this.acsHosts.get(name) ?? `${name}.communication.azure.com`;
        const primaryKey = Buffer.from(`mock-primary-${name}`).toString("base64");
        const secondaryKey = Buffer.from(`mock-secondary-${name}`).toString("base64");
        return {
          primaryKey,
          secondaryKey,
          primaryConnectionString: `endpoint=https://${host}/;accesskey=${primaryKey}`,
          secondaryConnectionString: `endpoint=https://${host}/;accesskey=${secondaryKey}`,
        };
      }
      default:
        return {};
    }
  }
}
