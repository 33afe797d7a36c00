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
import { z } from "zod";
import type { ConfigProblem } from "./types";

/** The storage SKUs the platform deploys (Standard general-purpose v2 redundancies). */
export const STORAGE_SKUS = ["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS"] as const;
export type StorageSku = (typeof STORAGE_SKUS)[number];

/** Default days a deleted blob or container stays restorable (Learn's default for container soft delete). */
export const DEFAULT_SOFT_DELETE_DAYS = 7;

const ipv4OrRange = /^(\d{1,3})(\.\d{1,3}){3}(\/([0-9]|[12][0-9]|30))?$/;

/** RFC 1918 private ranges, which "aren't allowed in IP rules" (same Learn page): a subnet is admitted by a virtual network rule. */
export function isPrivateIpv4(range: string): boolean {
  const [a, b] = range.split(/[./]/).map(Number);
  return a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168);
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
        z
          .string()
          .regex(ipv4OrRange, "a public IPv4 address or a CIDR range of prefix /30 or shorter (a /31 or /32 is one address)")
          .refine(
            (r) => !isPrivateIpv4(r),
            "must be a public IPv4 address or range: private (RFC 1918) ranges are not allowed in storage IP rules",
          ),
      )
      .default([])
      .meta({
        description: "with `networkDefaultAction: Deny`: the operators' public addresses (archive-chat, smoke, decommission)",
        accepts: "list of IPv4 addresses or CIDR ranges up to /30",
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
