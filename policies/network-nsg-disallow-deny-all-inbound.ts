// Policy: a network security group does not block all inbound traffic ahead of every other rule (PSRule for Azure
// Azure.NSG.DenyAllInbound, AZR-000138: fails when the inbound rule evaluated first denies source `*`; such a rule
// also blocks the Azure load balancer's health probes; https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.NSG.Rule.ps1).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";
import { orderedRules, same } from "./nsg-rules";

export const networkNsgDisallowDenyAllInbound: ResourceValidationPolicy & Grouped = {
  name: "network-nsg-disallow-deny-all-inbound",
  group: "network",
  description: "No network security group denies all inbound traffic (source `*`) in the rule it evaluates first.",
  severity: "medium",
  remediationSteps:
    "Give the allow rules lower priority numbers than a deny-all rule, or rely on the default DenyAllInBound rule (priority 65500), which comes after AllowAzureLoadBalancerInBound.",
  validateResource: forTypes([T.networkSecurityGroup], (props, args, reportViolation) => {
    const first = orderedRules(props, "Inbound")[0];
    if (first && same(first.access, "Deny") && first.sourceAddressPrefix === "*") {
      reportViolation(
        `Network security group '${args.name}' denies all inbound traffic in its first inbound rule '${first.name}' (priority ${first.priority}, source '*').`,
      );
    }
  }),
};
