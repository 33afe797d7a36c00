// Prod's network as deployed before decision 0031 (subnets without `defaultOutboundAccess`, the NAT gateway's public
// IP without zones under its old name `pip-acsplat-nat-prod-weu`), compared with today's program under the mock
// engine: both subnets are updated in place (Learn makes existing subnets private by an update), the public IP is
// replaced under its new name and the NAT gateway updated to it, and no plan rule objects. The same replacement under
// the old name, as the program first had it, is what plan-replacement-disallow-create-over-same-id reports: Pulumi
// would create the new address over the deployed one.
import { beforeAll, describe, expect, it } from "vitest";
import type { Baseline, BaselineResource } from "../../tools/plan/diff/baseline";
import { compare, type ResourceChange } from "../../tools/plan/diff/compare";
import { runPlanRules } from "../../tools/plan/plan-rules";
import type { PlannedResource, PlanResult } from "../../tools/plan/types";
import { sharedPlan } from "../support/shared-plan";

const NEW_NAME = "pip-acsplat-nat-z123-prod-weu";
const OLD_NAME = "pip-acsplat-nat-prod-weu";
const SUBNET = "azure-native:network:Subnet";
const PIP = "azure-native:network:PublicIPAddress";

let prod: PlanResult;
beforeAll(async () => {
  prod = await sharedPlan("prod");
});

/** Resources with the NAT IP's new name put back to the old one everywhere (its id, the NAT gateway's reference). */
function withOldName<T extends BaselineResource | PlannedResource>(resources: T[]): T[] {
  return JSON.parse(JSON.stringify(resources).replaceAll(NEW_NAME, OLD_NAME)) as T[];
}

/** The network as deployed before: the old NAT IP name, no zones on it, no defaultOutboundAccess on the subnets. */
function deployedBefore(resources: BaselineResource[]): Baseline {
  const before = withOldName(resources).map((r) => {
    const inputs = { ...r.inputs };
    if (r.type === PIP) delete inputs["zones"];
    if (r.type === SUBNET) delete inputs["defaultOutboundAccess"];
    return { ...r, inputs };
  });
  return { kind: "plan", file: "before-0031.json", resources: before };
}

const byName = (changes: ResourceChange[], name: string) => changes.find((c) => c.name === name)!;
const brief = (c: ResourceChange) => ({ op: c.op, diffs: c.diffs, replaceReasons: c.replaceReasons });

describe("prod's network deployed before private subnets and a zone-redundant NAT IP", () => {
  it("has the NAT IP under a name that carries its zones, replaced create-first, and the NAT gateway referring to it", () => {
    const pip = prod.resources.find((r) => r.type === PIP)!;
    const nat = prod.resources.find((r) => r.type === "azure-native:network:NatGateway")!;
    expect([pip.inputs["publicIpAddressName"], pip.inputs["zones"], pip.options.replaceOnChanges, pip.options.deleteBeforeReplace]).toEqual(
      [NEW_NAME, ["1", "2", "3"], ["zones"], undefined],
    );
    expect(nat.inputs["publicIpAddresses"]).toEqual([{ id: pip.id }]);
  });

  it("updates both subnets in place, replaces the NAT IP under its new name and updates the NAT gateway to it", () => {
    const baseline = deployedBefore(prod.resources);
    const changes = compare(prod, baseline).changes;
    const newId = prod.resources.find((r) => r.type === PIP)!.id!;
    const oldId = newId.replace(NEW_NAME, OLD_NAME);
    const update = { op: "update", diffs: [{ path: "defaultOutboundAccess", after: false }], replaceReasons: [] };
    expect(brief(byName(changes, "acsplat-network-snet-app"))).toEqual(update);
    expect(brief(byName(changes, "acsplat-network-snet-pep"))).toEqual(update);
    expect(brief(byName(changes, "acsplat-network-nat"))).toEqual({
      op: "update",
      // The new address's id follows from its name: the gateway moves to it in one update.
      diffs: [{ path: "publicIpAddresses[0].id", before: oldId, after: newId }],
      replaceReasons: [],
    });
    const pip = byName(changes, "acsplat-network-pip-nat");
    expect([pip.op, pip.diffs.map((d) => [d.path, d.before, d.after])]).toEqual([
      "replace",
      [
        ["publicIpAddressName", OLD_NAME, NEW_NAME],
        ["zones", undefined, ["1", "2", "3"]],
      ],
    ]);
    expect(pip.replaceReasons.map((r) => r.replace(/ \(https:[^)]*\)$/, ""))).toEqual([
      "publicIpAddressName is part of the resource's ARM id",
      "zones is create-only",
      "zones is in replaceOnChanges",
    ]);
    // Nothing else in the network moves, and no plan rule objects (prod's retirement reminders aside).
    expect(changes.filter((c) => c.custom && c.op !== "same").map((c) => `${c.op} ${c.name}`)).toEqual([
      "replace acsplat-network-pip-nat",
      "update acsplat-network-nat",
      "update acsplat-network-snet-app",
      "update acsplat-network-snet-pep",
    ]);
    expect(runPlanRules(prod, compare(prod, baseline), baseline).filter((r) => !r.policy.endsWith("retired-service"))).toEqual([]);
  });

  it("the replacement under the unchanged old name is reported: Pulumi would create over the deployed address", () => {
    // The program as decision 0031 first had it: zones added, the name kept.
    const program: PlanResult = { ...prod, resources: withOldName(prod.resources) };
    const baseline = deployedBefore(prod.resources);
    const changes = compare(program, baseline);
    expect(brief(byName(changes.changes, "acsplat-network-pip-nat")).op).toBe("replace");
    const results = runPlanRules(program, changes, baseline).filter((r) => r.policy === "plan-replacement-disallow-create-over-same-id");
    expect(results.map((r) => [r.urn?.slice(r.urn.lastIndexOf("::") + 2), r.level, r.message])).toEqual([
      [
        "acsplat-network-pip-nat",
        "mandatory",
        `${PIP} 'acsplat-network-pip-nat' is replaced for zones under the same ARM id (publicIpAddressName "${OLD_NAME}" unchanged). ` +
          "Pulumi creates the replacement first (azure-native asks for delete-before-replace only for its own force-new properties), " +
          'and azure-native refuses to create over the deployed resource ("cannot create already existing resource"). Sources: ' +
          "https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/provider/provider.go, " +
          "https://www.pulumi.com/docs/iac/concepts/resources/options/deletebeforereplace/",
      ],
    ]);
    // deleteBeforeReplace is the other way out of the rule (it would then fail on the NAT gateway holding the address).
    const deleteFirst: PlanResult = {
      ...program,
      resources: program.resources.map((r) => (r.type === PIP ? { ...r, options: { ...r.options, deleteBeforeReplace: true } } : r)),
    };
    expect(
      runPlanRules(deleteFirst, compare(deleteFirst, baseline), baseline).filter((r) => r.policy.startsWith("plan-replacement")),
    ).toEqual([]);
  });
});
