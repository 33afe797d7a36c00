// Policy: no network security group allows inbound traffic from any source (PSRule for Azure
// Azure.NSG.AnyInboundSource, AZR-000137: an inbound rule with access Allow and sourceAddressPrefix `*` fails;
// https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.NSG.Rule.ps1).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";
import { orderedRules, same } from "./nsg-rules";

export const networkNsgDisallowAnyInboundSource: ResourceValidationPolicy & Grouped = {
  name: "network-nsg-disallow-any-inbound-source",
  group: "network",
  description: "No network security group has an inbound rule that allows traffic from any source (`*`).",
  severity: "critical",
  remediationSteps:
    "Set the rule's `sourceAddressPrefix` to the service tag or address range that needs access (e.g. `AzureLoadBalancer`, `VirtualNetwork`), never `*`.",
  validateResource: forTypes([T.networkSecurityGroup], (props, args, reportViolation) => {
    const open = orderedRules(props, "Inbound").filter((r) => same(r.access, "Allow") && r.sourceAddressPrefix === "*");
    if (open.length > 0) {
      reportViolation(
        `Network security group '${args.name}' allows inbound traffic from any source (sourceAddressPrefix '*') in rule(s) ${open.map((r) => `'${r.name}'`).join(", ")}.`,
      );
    }
  }),
};
