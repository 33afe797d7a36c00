// The mock cloud of the offline plan: deterministic ids and the computed outputs Azure would return (host names,
// vault URIs, workspace ids, verification records), so outputs resolve and read like a real deployment. What each
// type's id and outputs are is its entry in the catalog (policies/azure-types.ts); this file runs them. Every
// value here is a placeholder produced locally; nothing is read from Azure.
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { azureType, nameInput, type AzureType } from "../../policies/azure-types";

/** Subscription id used by every mocked resource id. */
export const MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
/** Tenant id returned by the mocked getClientConfig. */
export const MOCK_TENANT_ID = "11111111-1111-1111-1111-111111111111";

/** A GUID-shaped, deterministic placeholder derived from `seed`. */
export function mockGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type Inputs = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function rgId(inputs: Inputs): string {
  return `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${str(inputs["resourceGroupName"]) ?? "rg"}`;
}

/** A secret-wrapped input object's value: spreading the wrapper would spread the secret's envelope instead. */
function unwrap(value: unknown): Inputs {
  const v = (value as Inputs | undefined) ?? {};
  return v[specialSigKey] !== undefined ? ((v["value"] as Inputs | undefined) ?? {}) : v;
}

/** The mock id: the catalog's ARM id with the inputs filled in (the name last), or the type-token form. */
function mockId(type: string, entry: AzureType | undefined, inputs: Inputs, name: string): string {
  if (entry === undefined || entry.offline?.id === "type-token") {
    const [, module = "", typeName = ""] = type.split(":");
    return `${rgId(inputs)}/providers/Microsoft.${module}/${typeName}/${name}`;
  }
  const last = nameInput(entry);
  const path = entry.arm.replace(/\{(\w+)\}/g, (_m, p: string) => (p === last ? name : (str(inputs[p]) ?? "")));
  if (entry.scope === "subscription") return `/subscriptions/${MOCK_SUBSCRIPTION_ID}/${path}`;
  const under = entry.scope === "resourceGroup" ? rgId(inputs) : (str(inputs[entry.scope.input]) ?? "");
  return `${under}/providers/${path}`;
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
    // A type the catalog lacks gets a generic id (and fails tests/tools/plan/azure-types.test.ts).
    const entry = azureType(args.type);
    const nameKey =
      entry !== undefined
        ? nameInput(entry)
        : Object.keys(inputs)
            .sort()
            .find((k) => k.endsWith("Name") && k !== "resourceGroupName" && typeof inputs[k] === "string");
    const name = (nameKey !== undefined ? str(inputs[nameKey]) : undefined) ?? args.name;
    const id = mockId(args.type, entry, inputs, name);
    const state: Inputs = { ...inputs, name };
    // Any system-assigned identity gets a principal, as Azure assigns one on create.
    const identity = inputs["identity"] as Inputs | undefined;
    if (typeof identity?.["type"] === "string" && identity["type"].includes("SystemAssigned")) {
      state["identity"] = { ...identity, principalId: mockGuid(`identity/${args.type}/${name}`), tenantId: MOCK_TENANT_ID };
    }
    Object.assign(state, entry?.offline?.outputs?.({ name, inputs, id, guid: mockGuid, tenantId: MOCK_TENANT_ID, unwrap }));
    if (typeof state["hostName"] === "string" && args.type === "azure-native:communication:CommunicationService") {
      this.acsHosts.set(name, state["hostName"]);
    }
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
          subscriptionId: MOCK_SUBSCRIPTION_ID,
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
