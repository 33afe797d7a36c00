// Pure pieces of the private network: the `network` config section, IPv4 CIDR arithmetic that checks the subnets
// fit the address space without overlapping, and the private-link facts (group ids and their DNS zones).
//
// Facts: Microsoft Learn "Azure Private Endpoint private DNS zone values" (Key Vault: group id `vault`, zone
// `privatelink.vaultcore.azure.net`; Table Storage: `table`, `privatelink.table.core.windows.net`); "Integrate your
// app with an Azure virtual network" (the integration subnet is delegated to `Microsoft.Web/serverFarms`, /28 is
// the smallest accepted, /26 recommended so the plan can scale out); Azure reserves 5 addresses per subnet, so /29
// is the smallest useful subnet.
import { z } from "zod";
import type { ConfigProblem } from "../common/types";
import { ZONE_REDUNDANT_ZONES } from "../../policies/deployability-facts";

/** Private-link group ids the platform uses, with the private DNS zone each resolves through. */
export const PRIVATE_DNS_ZONES = {
  vault: "privatelink.vaultcore.azure.net",
  table: "privatelink.table.core.windows.net",
  blob: "privatelink.blob.core.windows.net",
} as const;

/** A private-link sub-resource (group id) the platform knows the DNS zone of. */
export type PrivateLinkGroupId = keyof typeof PRIVATE_DNS_ZONES;

/** The zones of the zone-redundant NAT public IP (policies/deployability-facts.ts owns what zone-redundant means). */
export const ZONE_REDUNDANT = ZONE_REDUNDANT_ZONES;

/**
 * Qualifier of the NAT gateway's public IP name (`pip-<app>-nat-z123-<env>-<region>`). It carries the address's zones
 * because they are create-only: a change of zones is then a new name too, so Pulumi can create the new address
 * before it deletes the old one, which the NAT gateway holds until it is updated (components/network/index.ts). The
 * name before zones were set was `pip-<app>-nat-<env>-<region>`.
 */
export const NAT_IP_QUALIFIER = `nat-z${ZONE_REDUNDANT.join("")}`;

/** The delegation App Service regional VNet integration requires on its subnet. */
export const APP_SERVICE_DELEGATION = "Microsoft.Web/serverFarms";

/** Smallest subnet (largest prefix length) App Service accepts for VNet integration. */
export const MAX_APP_SERVICE_PREFIX_LENGTH = 28;
/** Smallest subnet Azure creates. */
export const MAX_SUBNET_PREFIX_LENGTH = 29;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** An IPv4 range as its first address (a 32-bit number) and prefix length. */
export interface Cidr {
  base: number;
  prefixLength: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set (Azure rejects `10.0.0.1/24`). */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR.exec(text);
  if (m === null) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefixLength = Number(m[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefixLength);
  if (base % size !== 0) return undefined;
  return { base, prefixLength };
}

function end(c: Cidr): number {
  return c.base + 2 ** (32 - c.prefixLength) - 1;
}

/** Whether `inner` lies entirely within `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && end(inner) <= end(outer);
}

/** Whether two ranges share any address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= end(b) && b.base <= end(a);
}

const cidrText = z.string().superRefine((s, ctx) => {
  if (parseCidr(s) === undefined) {
    ctx.addIssue({ code: "custom", message: `must be an IPv4 CIDR range without host bits, e.g. 10.20.0.0/24; got ${JSON.stringify(s)}` });
  }
});

/** The `network` config section: whether the app reaches the vault privately, and the address plan. */
export const networkConfigSchema = z
  .object({
    /** Private network for the token API: VNet integration plus a private endpoint for the vault. */
    enabled: z.boolean().default(true).meta({
      description:
        "private network for the token API (see `Network` above); must be `true` when the vault denies public traffic (`keyVault.publicNetworkAccess: Disabled` or `keyVault.allowedIpRanges` set), or the app cannot read the vault",
    }),
    /** Address space of the virtual network. */
    addressSpace: cidrText
      .default("10.20.0.0/24")
      .meta({ description: "address space of the virtual network", accepts: "IPv4 CIDR (no host bits)" }),
    /** Subnet delegated to App Service for regional VNet integration (/28 or larger; /26 recommended). */
    appServiceSubnetPrefix: cidrText.default("10.20.0.0/26").meta({
      description: "subnet delegated to `Microsoft.Web/serverFarms` (App Service regional VNet integration; `/26` recommended)",
      accepts: "IPv4 CIDR, `/28` or larger, within `addressSpace`",
    }),
    /** Subnet the private endpoints take their addresses from. */
    privateEndpointSubnetPrefix: cidrText.default("10.20.0.64/27").meta({
      description: "subnet of the private endpoints",
      accepts: "IPv4 CIDR, `/29` or larger, within `addressSpace`, not overlapping the App Service subnet",
    }),
    /**
     * Existing private DNS zones to register the endpoints in, by private-link group id (landing-zone
     * subscriptions keep `privatelink.*` zones centrally); a group without one gets a zone in the resource group.
     */
    existingPrivateDnsZoneIds: z
      .object({
        vault: z
          .string()
          .regex(
            /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/privatelink\.vaultcore\.azure\.net$/i,
            "the resource id of a privatelink.vaultcore.azure.net private DNS zone",
          )
          .optional()
          .meta({
            description:
              "an existing (central, landing-zone) zone the vault's endpoint registers in; its VNet links are managed where the zone is",
            accepts: "resource id of a `privatelink.vaultcore.azure.net` private DNS zone",
            defaultText: "unset (a zone and VNet link in the resource group)",
          }),
      })
      .strict()
      .default({}),
  })
  .strict()
  .prefault({});

/** A validated `network` section. */
export type NetworkSection = z.infer<typeof networkConfigSchema>;

/** Address-plan problems the field schemas cannot see: subnets outside the space, overlapping, or too small. */
export function networkAddressProblems(cfg: NetworkSection): ConfigProblem[] {
  const space = parseCidr(cfg.addressSpace);
  const app = parseCidr(cfg.appServiceSubnetPrefix);
  const pep = parseCidr(cfg.privateEndpointSubnetPrefix);
  if (space === undefined || app === undefined || pep === undefined) return [];
  const problems: ConfigProblem[] = [];
  if (!cidrContains(space, app))
    problems.push({
      path: ["appServiceSubnetPrefix"],
      message: `must lie within addressSpace ${cfg.addressSpace}; got ${cfg.appServiceSubnetPrefix}`,
    });
  if (!cidrContains(space, pep))
    problems.push({
      path: ["privateEndpointSubnetPrefix"],
      message: `must lie within addressSpace ${cfg.addressSpace}; got ${cfg.privateEndpointSubnetPrefix}`,
    });
  if (cidrOverlaps(app, pep))
    problems.push({
      path: ["privateEndpointSubnetPrefix"],
      message: `must not overlap appServiceSubnetPrefix ${cfg.appServiceSubnetPrefix}; got ${cfg.privateEndpointSubnetPrefix}`,
    });
  if (app.prefixLength > MAX_APP_SERVICE_PREFIX_LENGTH) {
    problems.push({
      path: ["appServiceSubnetPrefix"],
      message: `must be /${MAX_APP_SERVICE_PREFIX_LENGTH} or larger (App Service VNet integration); got ${cfg.appServiceSubnetPrefix}`,
    });
  }
  if (pep.prefixLength > MAX_SUBNET_PREFIX_LENGTH) {
    problems.push({
      path: ["privateEndpointSubnetPrefix"],
      message: `must be /${MAX_SUBNET_PREFIX_LENGTH} or larger; got ${cfg.privateEndpointSubnetPrefix}`,
    });
  }
  return problems;
}

/**
 * The defect this section fixes: a vault that denies public traffic (public access off, or a firewall allow-list)
 * is unreachable for the token API unless the private network is on — its Key Vault references and its own secret
 * reads would fail at run time, after a successful `pulumi up`.
 */
export function vaultReachabilityProblems(
  cfg: NetworkSection,
  keyVault: { publicNetworkAccess: "Enabled" | "Disabled"; allowedIpRanges: string[] },
): ConfigProblem[] {
  const vaultDeniesPublic = keyVault.publicNetworkAccess === "Disabled" || keyVault.allowedIpRanges.length > 0;
  if (vaultDeniesPublic && !cfg.enabled) {
    return [
      {
        path: ["enabled"],
        message:
          "must be true when the Key Vault denies public traffic (keyVault.publicNetworkAccess Disabled or keyVault.allowedIpRanges set): the token API reads the vault",
      },
    ];
  }
  return [];
}
