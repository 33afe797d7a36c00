// The `storage` config section: what every storage account of the platform shares (blob and container soft delete,
// the firewall's default action and the operators' addresses) and the redundancy of the token API's two accounts
// (docs/decisions/0030-storage-accounts-against-psrule.md).
//
// Sources: soft delete keeps deleted blobs and containers "between 1 and 365 days" (Learn "Soft delete for
// containers", https://learn.microsoft.com/azure/storage/blobs/soft-delete-container-overview; azure-rest-api-specs
// specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01/blob.json DeleteRetentionPolicy.days,
// minimum 1, maximum 365). A storage IP rule takes public IPv4 addresses and CIDR ranges: "Small address ranges that
// use /31 or /32 prefix sizes are not supported. Configure these ranges by using individual IP address rules" (Learn
// "Configure Azure Storage firewalls and virtual networks", https://learn.microsoft.com/azure/storage/common/storage-network-security),
// and "IP address ranges reserved for private networks (as defined in RFC 1918) aren't allowed in IP rules".
import { BlockList, isIPv4 } from "node:net";
import { z } from "zod";
import type { ConfigProblem } from "./types";

/** The storage SKUs the platform deploys (Standard general-purpose v2 redundancies). */
export const STORAGE_SKUS = ["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS"] as const;
export type StorageSku = (typeof STORAGE_SKUS)[number];

/** Default days a deleted blob or container stays restorable (Learn's default for container soft delete). */
export const DEFAULT_SOFT_DELETE_DAYS = 7;

/**
 * IPv4 blocks that are not public internet addresses. Storage IP rules are "allowed only for *public internet* IP
 * addresses" and RFC 1918 ranges "aren't allowed" (Learn page above); Learn's Azure Machine Learning firewall page
 * states the same restriction as "Reserved IP address ranges aren't allowed in IP rules"
 * (https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link). The blocks are those of the IANA
 * IPv4 Special-Purpose Address Registry (RFC 6890) that are not globally reachable, except the three documentation
 * blocks (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, RFC 5737): the example stacks use them as placeholders that an
 * operator replaces with their own addresses.
 */
export const NON_PUBLIC_IPV4_BLOCKS: readonly { network: string; prefix: number; kind: string }[] = [
  { network: "0.0.0.0", prefix: 8, kind: '"this network" (RFC 791)' },
  { network: "10.0.0.0", prefix: 8, kind: "private (RFC 1918)" },
  { network: "100.64.0.0", prefix: 10, kind: "shared address space (RFC 6598)" },
  { network: "127.0.0.0", prefix: 8, kind: "loopback (RFC 1122)" },
  { network: "169.254.0.0", prefix: 16, kind: "link-local (RFC 3927)" },
  { network: "172.16.0.0", prefix: 12, kind: "private (RFC 1918)" },
  { network: "192.0.0.0", prefix: 24, kind: "IETF protocol assignments (RFC 6890)" },
  { network: "192.168.0.0", prefix: 16, kind: "private (RFC 1918)" },
  { network: "198.18.0.0", prefix: 15, kind: "benchmarking (RFC 2544)" },
  { network: "224.0.0.0", prefix: 4, kind: "multicast (RFC 5771)" },
  { network: "240.0.0.0", prefix: 4, kind: "reserved, with the broadcast address (RFC 1112, RFC 919)" },
];

/** The longest prefix a storage IP rule takes: "/31 or /32 prefix sizes are not supported" (Learn page above). */
export const MAX_STORAGE_IP_RULE_PREFIX = 30;

function subnet(network: string, prefix: number): BlockList {
  const list = new BlockList();
  list.addSubnet(network, prefix, "ipv4");
  return list;
}

/**
 * Why `value` cannot be a storage IP rule (what is accepted, and the value), or undefined when it can: an IPv4 address
 * with each of its four numbers 0-255, or a CIDR range of prefix /0-/30, that touches no non-public block.
 */
export function storageIpRuleProblem(value: string): string | undefined {
  const got = `; got ${JSON.stringify(value)}`;
  const match = /^([0-9.]+)(?:\/(\d{1,2}))?$/.exec(value);
  const address = match?.[1];
  const prefix = match?.[2] === undefined ? 32 : Number(match[2]);
  if (address === undefined || !isIPv4(address) || prefix > 32) {
    return `must be a public IPv4 address (four numbers 0-255, e.g. 16.17.18.19) or a CIDR range of prefix /${MAX_STORAGE_IP_RULE_PREFIX} or shorter (e.g. 16.17.18.0/24)${got}`;
  }
  if (match?.[2] !== undefined && prefix > MAX_STORAGE_IP_RULE_PREFIX) {
    return `must be a CIDR range of prefix /${MAX_STORAGE_IP_RULE_PREFIX} or shorter: storage IP rules take no /31 or /32 range, list its addresses one by one instead${got}`;
  }
  const range = subnet(address, prefix);
  const clash = NON_PUBLIC_IPV4_BLOCKS.find((b) => range.check(b.network, "ipv4") || subnet(b.network, b.prefix).check(address, "ipv4"));
  if (clash !== undefined) {
    return `must be a public internet IPv4 address or range: it overlaps ${clash.network}/${clash.prefix}, ${clash.kind}, which storage IP rules do not accept (a subnet of your own network is admitted by the virtual network rule)${got}`;
  }
  return undefined;
}

/** The `storage` config section. */
export const storageConfigSchema = z
  .object({
    /** Days a deleted blob or container stays restorable, on every account. */
    softDeleteRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(DEFAULT_SOFT_DELETE_DAYS)
      .meta({ description: "blob and container soft delete on every storage account (days)", accepts: "integer 1-365" }),
    /** The firewall of the data accounts (mapping table, event queues, chat archive). */
    networkDefaultAction: z.enum(["Deny", "Allow"]).default("Deny").meta({
      description:
        "firewall default of the mapping-table, event and chat-archive accounts: Deny admits only the token API's subnet, Azure's trusted services (Event Grid) and `allowedIpRanges`; Deny needs `network.enabled`",
    }),
    /** Public addresses of the operators' and deployer's machines (runbooks, smoke test, `pulumi up`). */
    allowedIpRanges: z
      .array(
        z.string().superRefine((value, ctx) => {
          const problem = storageIpRuleProblem(value);
          if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
        }),
      )
      .default([])
      .meta({
        description: "with `networkDefaultAction: Deny`: the operators' public addresses (archive-chat, smoke, decommission)",
        accepts:
          "list of public IPv4 addresses or CIDR ranges up to /30; no private (RFC 1918), shared (100.64.0.0/10), loopback, link-local, multicast or reserved block",
      }),
    /** Redundancy of the token API's two accounts (mapping table, run-from-package blob). */
    tokenApiSku: z.enum(STORAGE_SKUS).default("Standard_LRS").meta({
      description:
        "redundancy of the token API's mapping-table and package accounts; LRS to or from ZRS on a deployed account is a conversion started outside `pulumi up` (the plan with `--compare` says so)",
    }),
  })
  .strict()
  .prefault({});

/** A validated `storage` section. */
export type StorageSection = z.output<typeof storageConfigSchema>;

/**
 * A firewall that denies by default needs the private network: without VNet integration the token API reaches its
 * table from App Service's shared outbound addresses, which an IP rule cannot admit from the same region ("IP network
 * rules have no effect on requests originating from the same Azure region as the storage account. Use Virtual network
 * rules to allow same-region requests", Learn https://learn.microsoft.com/azure/storage/common/storage-network-security).
 */
export function storageNetworkProblems(storage: StorageSection, networkEnabled: boolean): ConfigProblem[] {
  if (storage.networkDefaultAction === "Deny" && !networkEnabled) {
    return [
      {
        path: ["networkDefaultAction"],
        message:
          "is Deny but network.enabled is false: the token API would reach its mapping table only from App Service's shared addresses, which a storage firewall cannot admit; enable the network or set Allow",
      },
    ];
  }
  return [];
}
