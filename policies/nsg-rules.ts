// How PSRule for Azure reads a network security group's rules, shared by the NSG policies: the rules of one direction
// in priority order (GetOrderedNSGRules in https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/rules/Azure.NSG.Rule.ps1) and the first-match
// evaluation of outbound traffic to a destination prefix and port
// (https://github.com/Azure/PSRule.Rules.Azure/blob/main/src/PSRule.Rules.Azure/Data/Network/NetworkSecurityGroupEvaluator.cs and SecurityRule.cs). azure-native flattens
// each rule's `properties` into the rule (`securityRules[].access`, not `securityRules[].properties.access`).
import type { Props } from "./lib";

/** One security rule as the NSG's `securityRules` input holds it. */
export interface NsgRule {
  name: string;
  access: string;
  direction: string;
  priority: number;
  sourceAddressPrefix?: string;
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}

/** PowerShell's -eq on strings: case-insensitive. */
export const same = (a: unknown, b: string): boolean => typeof a === "string" && a.toLowerCase() === b.toLowerCase();

/** The NSG's rules of `direction`, lowest priority number (evaluated first) first. */
export function orderedRules(props: Props, direction: "Inbound" | "Outbound"): NsgRule[] {
  const rules: unknown = props.securityRules;
  if (!Array.isArray(rules)) return [];
  return (rules as NsgRule[]).filter((r) => r && same(r.direction, direction)).sort((a, b) => Number(a.priority) - Number(b.priority));
}

/** A rule's filter as GetFilter reads it: a non-empty list, or one value other than `*`; undefined means any. */
function filter(value: unknown): Set<string> | undefined {
  if (Array.isArray(value) && value.length > 0) return new Set(value.map((v) => String(v).toLowerCase()));
  return typeof value === "string" && value !== "" && value !== "*" ? new Set([value.toLowerCase()]) : undefined;
}

/**
 * The access of the first outbound rule that matches `prefix` and `port` exactly (a port range such as `3000-4000`
 * does not match, as in SecurityRule.TryDestinationPort), or "Default" when none does. The singular property is read
 * first, then the plural, as NetworkSecurityGroupEvaluator.GetRule does.
 */
export function outboundAccess(ordered: NsgRule[], prefix: string, port: number): "Allow" | "Deny" | "Default" {
  for (const r of ordered) {
    const prefixes = filter(r.destinationAddressPrefix) ?? filter(r.destinationAddressPrefixes);
    const ports = filter(r.destinationPortRange) ?? filter(r.destinationPortRanges);
    if ((prefixes === undefined || prefixes.has(prefix.toLowerCase())) && (ports === undefined || ports.has(String(port)))) {
      return same(r.access, "Deny") ? "Deny" : "Allow";
    }
  }
  return "Default";
}
