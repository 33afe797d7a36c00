// The deployability rules on the real stacks: dev and prod pass every one, and each failure class the review found
// comes back — in a copy of a stack file run through `npm run plan`, or in the recorded plan with the one input the
// component sent before its fix — as a mandatory result naming the resource, i.e. a plan that exits 1. The budget
// start follows the clock: a plan evaluated in another month starts that month's budget.
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_PROJECT_ROOT, evaluateStack } from "../../tools/plan/harness";
import { applyExceptions, exitCodeFor, loadPolicyConfig, runPolicies } from "../../tools/plan/policy-runner";
import { POLICY_EXCEPTIONS } from "../../policies/exceptions";
import type { PlannedResource, PlanResult } from "../../tools/plan/types";
import { allPolicies } from "../../policies/policies";
import { ofType, only } from "../support/plan";
import { stackFileCopy } from "../support/stack-files";

let dev: PlanResult;
let prod: PlanResult;
/** prod's third phase: its domain verified and its sending limits raised, so its extra sender `alerts` exists. */
let prodRaised: PlanResult;

beforeAll(async () => {
  dev = await evaluateStack({ stack: "dev" });
  prod = await evaluateStack({ stack: "prod" });
  const raised = stackFileCopy("prod", (c) => {
    Object.assign(c["acs-platform:email"].domains[0], { verified: true, sendingLimitsRaised: true });
  });
  prodRaised = await evaluateStack({ stack: "prod", configFile: raised });
});

afterEach(() => {
  vi.useRealTimers();
});

const configOf = (stack: string) => loadPolicyConfig(path.join(DEFAULT_PROJECT_ROOT, "policies/config", `${stack}.json`)).config;
const DEPLOYABILITY = new Set(allPolicies.filter((p) => p.group === "deployability").map((p) => p.name));

/** The deployability results of a plan under the stack's policy config, as `policy | resource name | level`. */
async function deployability(plan: PlanResult, stack = plan.stack): Promise<{ rows: string[]; messages: string[]; exit: 0 | 1 }> {
  const run = await runPolicies(plan, configOf(stack));
  const mine = run.results.filter((r) => DEPLOYABILITY.has(r.policy));
  const names = new Map(plan.resources.map((r) => [r.urn, r.name]));
  return {
    rows: mine.map((r) => `${r.policy} | ${names.get(r.urn ?? "") ?? "(stack)"} | ${r.level}`),
    messages: mine.map((r) => r.message),
    // As the plan does: a violation a reviewed exception covers never fails it.
    exit: exitCodeFor(applyExceptions(stack, run.results, POLICY_EXCEPTIONS).results),
  };
}

/** A deep copy of `plan` with `change` applied to the one resource of `type` (named `name`, when given). */
function mutated(plan: PlanResult, type: string, change: (r: PlannedResource, plan: PlanResult) => void, name?: string): PlanResult {
  const copy = structuredClone(plan);
  change(only(copy, type, name), copy);
  return copy;
}

describe("the stacks as they are", () => {
  it.each([["dev"], ["prod"]])("%s passes every deployability rule", async (stack) => {
    expect(await deployability(stack === "dev" ? dev : prod)).toEqual({ rows: [], messages: [], exit: 0 });
  });

  it("prod's first deploy links no customer domain and declares no sender on it (unverified, default sending limits)", () => {
    expect(only(prod, "azure-native:communication:CommunicationService").inputs["linkedDomains"]).toEqual([]);
    expect(ofType(prod, "azure-native:communication:SenderUsername")).toEqual([]);
    expect(ofType(dev, "azure-native:communication:SenderUsername")).toEqual([]);
  });

  it("prod with its domain verified and its limits raised declares the extra sender and passes every deployability rule", async () => {
    expect(ofType(prodRaised, "azure-native:communication:SenderUsername").map((s) => s.inputs["username"])).toEqual(["alerts"]);
    expect(await deployability(prodRaised)).toEqual({ rows: [], messages: [], exit: 0 });
  });
});

describe("each failure class, reintroduced, fails the plan naming the resource", () => {
  it("a customer domain linked in the deployment that creates it (the component linked every domain)", async () => {
    const bad = mutated(prod, "azure-native:communication:CommunicationService", (acs, p) => {
      acs.inputs["linkedDomains"] = [only(p, "azure-native:communication:Domain").id];
    });
    const r = await deployability(bad);
    expect([r.rows, r.exit]).toEqual([
      ["communication-service-disallow-unverified-domain-link | acsplat-communication-acs | mandatory"],
      1,
    ]);
    expect(r.messages[0]).toContain(
      "links the customer-managed domain 'acsplat-communication-domain-notify-contoso-com' (notify.contoso.com) before it is marked verified",
    );
  });

  it("an extra sender on a domain with default sending limits (the component declared every listed sender)", async () => {
    const bad = structuredClone(prodRaised);
    const domain = only(bad, "azure-native:communication:Domain");
    (domain.inputs["tags"] as Record<string, string>)["acs-email-domain-sending-limits-raised"] = "false";
    const r = await deployability(bad);
    expect([r.rows, r.exit]).toEqual([
      ["communication-domain-disallow-default-sending-limits | acsplat-communication-sender-notify-contoso-com-alerts | mandatory"],
      1,
    ]);
  });

  it("the default DoNotReply sender declared as a new resource (the component declared it)", async () => {
    const bad = structuredClone(prodRaised);
    const alerts = only(bad, "azure-native:communication:SenderUsername");
    bad.resources.push({
      ...structuredClone(alerts),
      urn: alerts.urn.replace(/alerts$/, "donotreply"),
      name: "acsplat-communication-sender-notify-contoso-com-donotreply",
      inputs: { ...alerts.inputs, senderUsername: "DoNotReply", username: "DoNotReply", displayName: "Contoso" },
    });
    const r = await deployability(bad);
    expect([r.rows, r.exit]).toEqual([
      ["communication-sender-disallow-default-username | acsplat-communication-sender-notify-contoso-com-donotreply | mandatory"],
      1,
    ]);
  });

  it("Key Vault references on the VNet-integrated Linux app without route-all (the component routed private traffic only)", async () => {
    const bad = mutated(prod, "azure-native:web:WebApp", (app) => void delete app.inputs["outboundVnetRouting"]);
    const r = await deployability(bad);
    expect([r.rows, r.exit]).toEqual([["web-webapp-enforce-route-all-for-keyvault-references | acsplat-token-api-app | mandatory"], 1]);
  });

  it("a site whose start-up roles come after it (the component granted its system identity after the site)", async () => {
    const early = mutated(prod, "azure-native:web:WebApp", (app, p) => {
      const grants = new Set(ofType(p, "azure-native:authorization:RoleAssignment").map((g) => g.urn));
      app.dependencies = app.dependencies.filter((d) => !grants.has(d));
    });
    const r = await deployability(early);
    expect([r.rows, r.exit]).toEqual([
      [
        "web-webapp-enforce-roles-before-startup | acsplat-token-api-app | mandatory",
        "web-webapp-enforce-roles-before-startup | acsplat-token-api-app | mandatory",
        "web-webapp-enforce-roles-before-startup | acsplat-token-api-app | mandatory",
      ],
      1,
    ]);
    const system = mutated(dev, "azure-native:web:WebApp", (app) => {
      const settings = (app.inputs["siteConfig"] as { appSettings: Array<{ name: string; value: string }> }).appSettings;
      for (const s of settings) if (s.name === "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID") s.value = "SystemAssigned";
      delete app.inputs["keyVaultReferenceIdentity"];
    });
    expect((await deployability(system)).rows).toEqual([
      "web-webapp-enforce-roles-before-startup | acsplat-token-api-app | mandatory",
      "web-webapp-enforce-roles-before-startup | acsplat-token-api-app | mandatory",
    ]);
  });

  it("a plan tier that does not match the SKU (the component sent PremiumV3 for every v3 and mv3 SKU)", async () => {
    const bad = mutated(prod, "azure-native:web:AppServicePlan", (plan) => {
      plan.inputs["sku"] = { name: "P2mv3", tier: "PremiumV3", capacity: 2 };
    });
    const r = await deployability(bad);
    expect([r.rows, r.exit]).toEqual([["web-appserviceplan-enforce-sku-tier | acsplat-token-api-plan | mandatory"], 1]);
  });

  it("a log alert over ACSAuthIncomingOperations validated at creation in a new workspace", async () => {
    const bad = mutated(
      prod,
      "azure-native:monitor:ScheduledQueryRule",
      (rule) => void delete rule.inputs["skipQueryValidation"],
      "acsplat-alerts-tokenIssuanceFailuresLog",
    );
    const r = await deployability(bad);
    expect([r.rows, r.exit]).toEqual([
      ["monitor-logalert-configure-skip-query-validation | acsplat-alerts-tokenIssuanceFailuresLog | mandatory"],
      1,
    ]);
  });

  it("an end-of-life Node runtime (the component ran NODE|20-lts)", async () => {
    const bad = mutated(
      dev,
      "azure-native:web:WebApp",
      (app) => void ((app.inputs["siteConfig"] as Record<string, unknown>)["linuxFxVersion"] = "NODE|20-lts"),
    );
    const r = await deployability(bad);
    expect([r.rows, r.exit]).toEqual([["web-webapp-disallow-end-of-life-runtime | acsplat-token-api-app | mandatory"], 1]);
  });
});

describe("a stack-file mutation evaluated in process", () => {
  it("phase 2 of the customer-domain flow: with `verified: true` prod links the domain and still passes (exit 0)", async () => {
    const file = stackFileCopy("prod", (c) => void (c["acs-platform:email"].domains[0].verified = true));
    const phase2 = await evaluateStack({ stack: "prod", configFile: file });
    expect(only(phase2, "azure-native:communication:CommunicationService").inputs["linkedDomains"]).toEqual([
      only(phase2, "azure-native:communication:Domain").id,
    ]);
    expect(await deployability(phase2, "prod")).toEqual({ rows: [], messages: [], exit: 0 });
  });
});

describe("the budget start follows the deploy-time clock", () => {
  it.each([
    ["2027-03-15T09:00:00Z", "2027-03-01T00:00:00Z"],
    ["2027-01-31T23:59:00Z", "2027-01-01T00:00:00Z"],
  ])("a prod plan evaluated at %s starts the budget on %s and passes the window rule", async (now, start) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(now));
    const later = await evaluateStack({ stack: "prod" });
    const budget = only(later, "azure-native:costmanagement:Budget");
    expect([budget.inputs["timePeriod"], budget.options.ignoreChanges]).toEqual([{ startDate: start }, ["timePeriod.startDate"]]);
    expect((await deployability(later)).rows.filter((row) => row.startsWith("costmanagement-budget-"))).toEqual([]);
  });
});
