// Test helper: runs one component under Pulumi's mock engine and returns every resource it registered with its
// inputs resolved, so component tests assert on exactly what `pulumi up` would send.
import * as pulumi from "@pulumi/pulumi";

/** One resource the mock engine saw. */
export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** Subscription id the mocks use in every resource id. */
export const MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000001";

/** Principal id the mocks hand every system-assigned identity: `principal-<resource name>`. */
export function mockPrincipalId(resourceName: string): string {
  return `principal-${resourceName}`;
}

const providerSegments: Record<string, string> = {
  "azure-native:storage:StorageAccount": "Microsoft.Storage/storageAccounts",
  "azure-native:eventgrid:SystemTopic": "Microsoft.EventGrid/systemTopics",
  "azure-native:web:WebApp": "Microsoft.Web/sites",
  "azure-native:web:AppServicePlan": "Microsoft.Web/serverFarms",
  "azure-native:monitor:ActionGroup": "Microsoft.Insights/actionGroups",
};

/**
 * Installs mocks that record resources, then awaits `build()` and a settle delay so every output has resolved.
 * Must be called before the component module is constructed (not imported) in the test.
 */
export async function recordResources(build: () => unknown): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        // The resource's own name input (a child's `accountName` names its parent, not itself).
        const ownNameKeys = ["blobName", "secretName", "tableName", "queueName", "containerName", "systemTopicName", "eventSubscriptionName", "ruleName", "actionGroupName", "budgetName", "name"];
        const ownKey = args.type === "azure-native:storage:StorageAccount" ? "accountName" : ownNameKeys.find((k) => typeof args.inputs[k] === "string");
        const nameInput = (ownKey !== undefined ? (args.inputs[ownKey] as string | undefined) : undefined) ?? args.name;
        const segment = providerSegments[args.type] ?? args.type.replace(/^azure-native:/, "").replace(/:/g, "/");
        const id = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-test/providers/${segment}/${nameInput}`;
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state: Record<string, unknown> = { ...args.inputs, name: nameInput };
        const identity = args.inputs.identity as { type?: string } | undefined;
        if (identity?.type === "SystemAssigned") {
          state.identity = { ...identity, principalId: mockPrincipalId(args.name), tenantId: "tenant" };
        }
        if (args.type === "azure-native:keyvault:Secret") {
          // Not spread from the inputs: their `properties` is a serialized secret wrapper.
          state.properties = { secretUri: `https://${String(args.inputs.vaultName)}.vault.azure.net/secrets/${nameInput}` };
        }
        if (args.type === "azure-native:web:WebApp") {
          state.defaultHostName = `${nameInput}.azurewebsites.net`;
        }
        if (args.type === "azure-native:storage:StorageAccount") {
          state.primaryEndpoints = {
            blob: `https://${nameInput}.blob.core.windows.net/`,
            table: `https://${nameInput}.table.core.windows.net/`,
            queue: `https://${nameInput}.queue.core.windows.net/`,
          };
        }
        return { id, state };
      },
      call(args) {
        return args.inputs;
      },
    },
    "acs-platform",
    "test",
    false,
  );
  build();
  // Registrations chain through outputs; wait until no new resource arrives for a few turns.
  let stableTurns = 0;
  let last = -1;
  while (stableTurns < 5) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    stableTurns = recorded.length === last ? stableTurns + 1 : 0;
    last = recorded.length;
  }
  return recorded;
}

/** Resolves an output (or plain value) to its value. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** The resources of `type`. */
export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

/** The single resource of `type` whose logical name ends with `suffix`; throws when not exactly one. */
export function one(resources: RecordedResource[], type: string, suffix = ""): RecordedResource {
  const found = resources.filter((r) => r.type === type && r.name.endsWith(suffix));
  if (found.length !== 1) {
    throw new Error(`expected one ${type} ending with "${suffix}", found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  }
  return found[0] as RecordedResource;
}
