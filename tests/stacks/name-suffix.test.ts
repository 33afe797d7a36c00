// Global names across subscriptions: the same stack (dev) deployed to two subscriptions gets different Key Vault,
// storage, web app, ACS and Email names (the suffix hashes the subscription getClientConfig answers), the same
// subscription always the same ones, and config `nameSuffix` pins them whatever the subscription.
import { describe, expect, it } from "vitest";
import { evaluateStack } from "../../tools/plan/harness";
import { MOCK_SUBSCRIPTION_ID } from "../../tools/plan/mocks";
import type { PlanResult } from "../../tools/plan/types";
import { stackFileCopy } from "../support/stack-files";

const OTHER_SUBSCRIPTION = "22222222-2222-2222-2222-222222222222";

/** The name input of every globally unique resource, by type. */
const GLOBAL_NAME_INPUTS: Record<string, string> = {
  "azure-native:keyvault:Vault": "vaultName",
  "azure-native:storage:StorageAccount": "accountName",
  "azure-native:web:WebApp": "name",
  "azure-native:communication:CommunicationService": "communicationServiceName",
  "azure-native:communication:EmailService": "emailServiceName",
};

function globalNames(plan: PlanResult): string[] {
  return plan.resources
    .filter((r) => GLOBAL_NAME_INPUTS[r.type] !== undefined)
    .map((r) => String(r.inputs[GLOBAL_NAME_INPUTS[r.type]!]))
    .sort();
}

describe("globally unique names", () => {
  it("two subscriptions with the same stack name get different global names; one subscription always the same", async () => {
    const a = await evaluateStack({ stack: "dev" });
    const b = await evaluateStack({ stack: "dev", subscriptionId: OTHER_SUBSCRIPTION });
    const again = await evaluateStack({ stack: "dev", subscriptionId: MOCK_SUBSCRIPTION_ID });
    expect(globalNames(a)).toEqual([
      "acs-acsplat-dev-weu-8tufq",
      "app-acsplat-token-dev-weu-8tufq",
      "ecs-acsplat-dev-weu-8tufq",
      "kv-acsplat-dev-weu-8tufq",
      "stacsplatarcdevweu8tufq",
      "stacsplatevtdevweu8tufq",
      "stacsplatpkgdevweu8tufq",
      "stacsplattokdevweu8tufq",
    ]);
    expect(globalNames(b)).toEqual(globalNames(a).map((n) => n.replace("8tufq", "5kpeo")));
    expect(globalNames(again)).toEqual(globalNames(a));
    expect(b.outputs["subscriptionId"]).toBe(OTHER_SUBSCRIPTION);
  });

  it("a nameSuffix in config pins the names in any subscription (a stack deployed before the subscription was hashed)", async () => {
    const file = stackFileCopy("dev", (c) => void (c["acs-platform:nameSuffix"] = "60mtw"));
    const plan = await evaluateStack({ stack: "dev", configFile: file, subscriptionId: OTHER_SUBSCRIPTION });
    expect(globalNames(plan).every((n) => n.endsWith("60mtw"))).toBe(true);
    expect(globalNames(plan)).toHaveLength(8);
  });
});
