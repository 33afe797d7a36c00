// prod with the token API in managed-identity mode (`tokenApi.acsAuthMode: managed-identity`): the API calls the ACS
// identity API with an Entra token of its user-assigned identity, so that identity — and only it — gets
// Communication and Email Service Owner on the one ACS resource, before the site starts; key-vault mode (the
// default) grants nothing on ACS. The pack still passes.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ALLOWED_ROLE_GUIDS, BUILT_IN_ROLES } from "../../components/common/roles";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../tools/plan/harness";
import { sharedPlan } from "../support/shared-plan";
import { MOCK_SUBSCRIPTION_ID, mockGuid } from "../../tools/plan/mocks";
import { applyExceptions, exitCodeFor, loadPolicyConfig, runPolicies } from "../../tools/plan/policy-runner";
import { POLICY_EXCEPTIONS } from "../../policies/exceptions";
import type { PlanResult } from "../../tools/plan/types";
import { ofType, only } from "../support/plan";
import { stackFileCopy } from "../support/stack-files";

let keyVaultMode: PlanResult;
let managedIdentityMode: PlanResult;

beforeAll(async () => {
  const file = stackFileCopy("prod", (config) => {
    expect(config["acs-platform:tokenApi"]["acsAuthMode"]).toBeUndefined();
    config["acs-platform:tokenApi"]["acsAuthMode"] = "managed-identity";
  });
  // Sequential: Pulumi's runtime state is global.
  keyVaultMode = await sharedPlan("prod");
  managedIdentityMode = await evaluateStack({ stack: "prod", configFile: file });
});

const onAcs = (plan: PlanResult) =>
  ofType(plan, "azure-native:authorization:RoleAssignment").filter((r) => String(r.inputs["scope"]).includes("/Microsoft.Communication/"));

describe("tokenApi.acsAuthMode in prod", () => {
  it("managed-identity: the token API's identity gets Communication and Email Service Owner on the ACS resource before the site", () => {
    const acs = only(managedIdentityMode, "azure-native:communication:CommunicationService");
    const identity = only(managedIdentityMode, "azure-native:managedidentity:UserAssignedIdentity");
    const grants = onAcs(managedIdentityMode);
    expect(
      grants.map((g) => [g.name, g.inputs["scope"], g.inputs["roleDefinitionId"], g.inputs["principalId"], g.inputs["principalType"]]),
    ).toEqual([
      [
        "acsplat-token-api-ra-acs-identity",
        acs.id,
        `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.communicationAndEmailServiceOwner}`,
        mockGuid(`uai-principal/${String(identity.inputs["resourceName"])}`),
        "ServicePrincipal",
      ],
    ]);
    expect(BUILT_IN_ROLES.communicationAndEmailServiceOwner).toBe("09976791-48a7-449e-bb21-39d1a415f350");
    expect(only(managedIdentityMode, "azure-native:web:WebApp").dependencies).toContain(grants[0]!.urn);
    // Everything else is unchanged: one more assignment, all allow-listed.
    const all = ofType(managedIdentityMode, "azure-native:authorization:RoleAssignment");
    expect(all).toHaveLength(ofType(keyVaultMode, "azure-native:authorization:RoleAssignment").length + 1);
    for (const ra of all) expect(ALLOWED_ROLE_GUIDS.has(String(ra.inputs["roleDefinitionId"]).split("/").pop() ?? "")).toBe(true);
  });

  it("key-vault (the default): no role on ACS", () => {
    expect(onAcs(keyVaultMode)).toEqual([]);
  });

  it("managed-identity passes prod's policy config", async () => {
    const run = await runPolicies(
      managedIdentityMode,
      loadPolicyConfig(path.join(DEFAULT_PROJECT_ROOT, "policies/config/prod.json")).config,
    );
    // Prod's reviewed exceptions (the package account) apply as in the plan.
    const { results } = applyExceptions("prod", run.results, POLICY_EXCEPTIONS);
    expect([exitCodeFor(results), results.filter((r) => r.level === "mandatory")]).toEqual([0, []]);
  });
});
