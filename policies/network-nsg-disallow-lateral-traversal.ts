// Policy: a network security group stops lateral movement to other hosts of the virtual network over RDP or SSH
// (PSRule for Azure Azure.NSG.LateralTraversal, AZR-000139: the outbound verdict for destination VirtualNetwork on
// port 3389 or port 22 must be Deny; the first matching outbound rule decides, none matching is the default
// (allow); https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.NSG.Rule.ps1).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";
import { orderedRules, outboundAccess } from "./nsg-rules";

export const networkNsgDisallowLateralTraversal: ResourceValidationPolicy & Grouped = {
  name: "network-nsg-disallow-lateral-traversal",
  group: "network",
  description: "Network security groups deny outbound RDP (3389) or SSH (22) to the virtual network.",
  severity: "high",
  remediationSteps:
    "Add outbound Deny rules for destination `VirtualNetwork`, ports `3389` and `22`, before any rule that allows them (the Network component adds both).",
  validateResource: forTypes([T.networkSecurityGroup], (props, args, reportViolation) => {
    const outbound = orderedRules(props, "Outbound");
    const rdp = outboundAccess(outbound, "VirtualNetwork", 3389);
    const ssh = outboundAccess(outbound, "VirtualNetwork", 22);
    if (rdp !== "Deny" && ssh !== "Deny") {
      reportViolation(
        `Network security group '${args.name}' does not deny outbound RDP or SSH to VirtualNetwork (port 3389: ${rdp.toLowerCase()}, port 22: ${ssh.toLowerCase()}).`,
      );
    }
  }),
};
