// Policy: a virtual network with custom DNS servers lists at least two (PSRule for Azure Azure.VNET.SingleDNS,
// AZR-000264: `dhcpOptions.dnsServers` empty, or at least 2 entries; https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.VNET.Rule.ps1).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const networkVnetDisallowSingleDnsServer: ResourceValidationPolicy & Grouped = {
  name: "network-vnet-disallow-single-dns-server",
  group: "network",
  description: "A virtual network uses Azure DNS or at least two custom DNS servers, never a single one.",
  severity: "medium",
  remediationSteps: "Remove `dhcpOptions.dnsServers` to use Azure-provided DNS, or list at least two DNS servers.",
  validateResource: forTypes([T.virtualNetwork], (props, args, reportViolation) => {
    const servers: unknown = props.dhcpOptions?.dnsServers;
    if (Array.isArray(servers) && servers.length === 1) {
      reportViolation(`Virtual network '${args.name}' has a single custom DNS server (${String(servers[0])}); list at least two or none.`);
    }
  }),
};
