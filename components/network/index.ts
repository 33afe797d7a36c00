// Network: the private network that lets the token API reach a vault which denies public traffic — a virtual
// network, a subnet delegated to App Service for regional VNet integration, a subnet for private endpoints, and one
// private endpoint per target with its private DNS zone, the zone's link to the network and the endpoint's zone
// group (the shape of AVM `avm/res/network/virtual-network` + `avm/res/network/private-endpoint`). Each subnet has
// its own network security group (PSRule Azure.VNET.UseNSGs; the default rules only), and the App Service subnet a
// NAT gateway: the web app routes all traffic into the network (its Key Vault references are configuration traffic,
// which only `outboundVnetRouting.allTraffic` sends through the integration, Learn "Manage Azure App Service virtual
// network integration routing"), and ACS, Table storage, the package blob and the OIDC issuer are public endpoints
// reached through the NAT gateway. A landing zone can pass existing private DNS zones instead of creating them.
//
// Property names checked against @pulumi/azure-native 3.28 network (API 2024-05-01) and privatedns (2024-06-01)
// typings. Subnets are standalone resources: from network API 2023-09-01 a VNet PUT without `subnets` keeps the
// existing ones (Azure/azure-quickstart-templates#2786, pulumi/pulumi-azure-native#611), so the two do not fight.
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { attachDiagnostics } from "../common/diagnostics";
import { resourceName } from "../common/naming";
import { APP_SERVICE_DELEGATION, NAT_IP_QUALIFIER, PRIVATE_DNS_ZONES, ZONE_REDUNDANT, type PrivateLinkGroupId } from "./config";
import type { AzureComponentArgs, DiagnosticsArg } from "../common/types";

/** A resource exposed in the network through a private endpoint. */
export interface PrivateEndpointTarget {
  /** Short key used in names (`pep-<app>-<key>-<env>-<region>`), e.g. `vault`. */
  key: string;
  /** Resource id of the target (e.g. the Key Vault). */
  resourceId: pulumi.Input<string>;
  /** Private-link sub-resource; decides the private DNS zone. */
  groupId: PrivateLinkGroupId;
}

/** Arguments of Network (no role assignments or lock: nothing in it is worth locking apart from the vault). */
export interface NetworkArgs extends AzureComponentArgs, DiagnosticsArg {
  /** Address space of the virtual network (CIDR). */
  addressSpace: string;
  /** Prefix of the subnet delegated to `Microsoft.Web/serverFarms` (the token API's VNet integration). */
  appServiceSubnetPrefix: string;
  /** Prefix of the subnet the private endpoints take their addresses from. */
  privateEndpointSubnetPrefix: string;
  /** Resources to reach through private endpoints; one endpoint each, one DNS zone per distinct group id. */
  privateEndpoints: PrivateEndpointTarget[];
  /** Existing private DNS zones by group id (kept centrally in landing zones); those groups get no zone or link here. */
  existingPrivateDnsZoneIds?: Partial<Record<PrivateLinkGroupId, string>>;
}

/** Outbound rules on every NSG: no RDP or SSH from the subnet into the network (PSRule Azure.NSG.LateralTraversal). */
const LATERAL_TRAVERSAL_DENY_RULES = [
  { name: "deny-rdp-to-vnet", priority: 4000, port: "3389" },
  { name: "deny-ssh-to-vnet", priority: 4001, port: "22" },
].map((r) => ({
  name: r.name,
  priority: r.priority,
  direction: "Outbound",
  access: "Deny",
  protocol: "Tcp",
  sourceAddressPrefix: "*",
  sourcePortRange: "*",
  destinationAddressPrefix: "VirtualNetwork",
  destinationPortRange: r.port,
}));

/** The service endpoint of the App Service subnet (azure-native network ServiceEndpointPropertiesFormat.service). */
export const STORAGE_SERVICE_ENDPOINT = "Microsoft.Storage";

/** Name of the private DNS zone group on every endpoint (one group per endpoint). */
export const DNS_ZONE_GROUP_NAME = "default";

/** The virtual network, its two subnets and the private endpoints with their DNS. */
export class Network extends pulumi.ComponentResource {
  /** Resource id of the virtual network. */
  declare readonly id: pulumi.Output<string>;
  /** Name of the virtual network. */
  declare readonly name: pulumi.Output<string>;
  /** Resource id of the subnet delegated to App Service (a web app's `virtualNetworkSubnetId`). */
  declare readonly appServiceSubnetId: pulumi.Output<string>;
  /** Resource id of the NAT gateway of the App Service subnet (the web app's internet egress). */
  declare readonly natGatewayId: pulumi.Output<string>;
  /** Resource id of the private-endpoint subnet. */
  declare readonly privateEndpointSubnetId: pulumi.Output<string>;
  /** Resource ids of the private endpoints, by target key. */
  declare readonly privateEndpointIds: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("acs:network:Network", name, {}, opts);
    const parent = { parent: this };

    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        virtualNetworkName: resourceName("virtualNetwork", args.naming),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        addressSpace: { addressPrefixes: [args.addressSpace] },
        tags: args.tags,
      },
      parent,
    );

    // One NSG per subnet: Azure's default rules plus outbound RDP and SSH into the network denied (nothing here
    // administers machines; PSRule Azure.NSG.LateralTraversal).
    const nsg = (key: string) =>
      new network.NetworkSecurityGroup(
        `${name}-nsg-${key}`,
        {
          networkSecurityGroupName: resourceName("networkSecurityGroup", args.naming, key),
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          securityRules: LATERAL_TRAVERSAL_DENY_RULES.map((r) => ({ ...r })),
          tags: args.tags,
        },
        parent,
      );
    const appNsg = nsg("app");
    const endpointNsg = nsg("pep");

    // Outbound internet for the all-traffic route of the web app. Standard is the only NatGatewaySkuName of
    // azure-native's network API 2024-05-01, and "the Standard SKU is a zonal resource"; without `zones` Azure
    // picks the zone, and "you can't change the zone configuration after deploying the NAT gateway"
    // (https://learn.microsoft.com/azure/nat-gateway/nat-overview, .../nat-gateway/nat-availability-zones). So egress
    // is single-zone even with a zone-redundant plan; the zone-redundant StandardV2 needs a newer API (README).
    // The address itself is zone-redundant (PSRule Azure.PublicIP.AvailabilityZone, AZR-000157: a Standard IP in a
    // region with zones lists exactly 1, 2 and 3): "No zone NAT gateway resources ... can be associated to public IP
    // addresses from a zone, no zone, or that are zone-redundant" (Learn nat-availability-zones above). The stacks'
    // regions have three zones (Learn https://learn.microsoft.com/azure/reliability/regions-list). Zones are
    // create-only (policies/azure-types.ts): adding them replaces the address, so the egress IP changes (README).
    const natIp = new network.PublicIPAddress(
      `${name}-pip-nat`,
      {
        publicIpAddressName: resourceName("publicIpAddress", args.naming, NAT_IP_QUALIFIER),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "Standard", tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
        zones: [...ZONE_REDUNDANT],
        tags: args.tags,
      },
      // azure-native does not mark `zones` force-new (its replacement.go lists location, version, prefix and sku for
      // this type); Azure does not move an existing address between zones, so Pulumi replaces it instead of updating.
      // Replaced the default way, create before delete: the new address is created, the NAT gateway (which depends
      // on its id) is updated to it, and the old one is deleted at the end, once nothing uses it. Delete first would
      // fail: Azure refuses to delete an address a NAT gateway holds (PublicIPAddressCannotBeDeleted, "disassociate
      // the Public IP address from the resource", Azure/terraform-azurerm-compute#107), and the gateway is only
      // updated, not replaced. Create first needs a free name: azure-native refuses to create over an existing one
      // ("cannot create already existing resource", pulumi/pulumi-azure-native provider/pkg/provider/provider.go), so
      // the name carries the zones (NAT_IP_QUALIFIER) and changes with them (plan rule
      // plan-replacement-disallow-create-over-same-id).
      { ...parent, replaceOnChanges: ["zones"] },
    );
    const natGateway = new network.NatGateway(
      `${name}-nat`,
      {
        natGatewayName: resourceName("natGateway", args.naming),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "Standard" },
        publicIpAddresses: [{ id: natIp.id }],
        tags: args.tags,
      },
      parent,
    );

    // Both subnets are private (PSRule Azure.VNET.PrivateSubnet, AZR-000447): no implicit default outbound IP; the app
    // subnet's egress is the NAT gateway, the endpoint subnet needs none. A deployed subnet takes the value in place:
    // Learn "Default outbound access in Azure" makes existing subnets private with `az network vnet subnet update
    // --default-outbound false` (https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access;
    // the spec's "can only be set at the time of subnet creation" predates it, and azurerm dropped its force-new for the
    // same reason, hashicorp/terraform-provider-azurerm#27858). Learn's one condition, VMs in the subnet stopped and
    // deallocated for their NICs to lose the default outbound IP, does not apply: nothing here runs VMs.
    const appSubnet = new network.Subnet(
      `${name}-snet-app`,
      {
        subnetName: resourceName("subnet", args.naming, "app"),
        virtualNetworkName: vnet.name,
        resourceGroupName: args.resourceGroupName,
        addressPrefix: args.appServiceSubnetPrefix,
        delegations: [{ name: APP_SERVICE_DELEGATION.replace("/", "."), serviceName: APP_SERVICE_DELEGATION }],
        // The token API reaches its firewalled mapping-table account through this service endpoint: a storage IP
        // rule cannot admit same-region traffic, a virtual network rule on this subnet can (Learn "Integrate your
        // app with an Azure virtual network", service endpoints; "Configure Azure Storage firewalls and virtual
        // networks", https://learn.microsoft.com/azure/storage/common/storage-network-security).
        serviceEndpoints: [{ service: STORAGE_SERVICE_ENDPOINT }],
        networkSecurityGroup: { id: appNsg.id },
        natGateway: { id: natGateway.id },
        defaultOutboundAccess: false,
      },
      parent,
    );
    // Created after the first subnet: concurrent subnet writes on one VNet fail with AnotherOperationInProgress.
    const endpointSubnet = new network.Subnet(
      `${name}-snet-pep`,
      {
        subnetName: resourceName("subnet", args.naming, "pep"),
        virtualNetworkName: vnet.name,
        resourceGroupName: args.resourceGroupName,
        addressPrefix: args.privateEndpointSubnetPrefix,
        networkSecurityGroup: { id: endpointNsg.id },
        // The Azure default, stated: the subnet's NSG and route table do not apply to the endpoints' own traffic.
        privateEndpointNetworkPolicies: "Disabled",
        defaultOutboundAccess: false,
      },
      { parent: this, dependsOn: [appSubnet] },
    );

    // One zone (and one VNet link) per distinct zone, shared by every endpoint that resolves through it; an
    // existing zone is used as given (its links to the networks are managed where the zone is).
    const zones = new Map<string, pulumi.Input<string>>();
    for (const groupId of new Set(args.privateEndpoints.map((t) => t.groupId))) {
      const existing = args.existingPrivateDnsZoneIds?.[groupId];
      if (existing !== undefined) {
        zones.set(groupId, existing);
        continue;
      }
      const zoneName = PRIVATE_DNS_ZONES[groupId];
      const zone = new privatedns.PrivateZone(
        `${name}-pdnsz-${groupId}`,
        { privateZoneName: zoneName, resourceGroupName: args.resourceGroupName, location: "global", tags: args.tags },
        parent,
      );
      new privatedns.VirtualNetworkLink(
        `${name}-pdnslink-${groupId}`,
        {
          virtualNetworkLinkName: resourceName("privateDnsZoneLink", args.naming, groupId),
          privateZoneName: zone.name,
          resourceGroupName: args.resourceGroupName,
          location: "global",
          virtualNetwork: { id: vnet.id },
          // Only private-endpoint records live here; nothing in the network auto-registers.
          registrationEnabled: false,
          tags: args.tags,
        },
        parent,
      );
      zones.set(groupId, zone.id);
    }

    const endpointIds: Record<string, pulumi.Output<string>> = {};
    for (const target of args.privateEndpoints) {
      const endpointName = resourceName("privateEndpoint", args.naming, target.key);
      const endpoint = new network.PrivateEndpoint(
        `${name}-pep-${target.key}`,
        {
          privateEndpointName: endpointName,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          subnet: { id: endpointSubnet.id },
          privateLinkServiceConnections: [{ name: endpointName, privateLinkServiceId: target.resourceId, groupIds: [target.groupId] }],
          tags: args.tags,
        },
        parent,
      );
      const zoneId = zones.get(target.groupId) as pulumi.Input<string>;
      new network.PrivateDnsZoneGroup(
        `${name}-pep-${target.key}-dns`,
        {
          privateDnsZoneGroupName: DNS_ZONE_GROUP_NAME,
          privateEndpointName: endpoint.name,
          resourceGroupName: args.resourceGroupName,
          privateDnsZoneConfigs: [{ name: PRIVATE_DNS_ZONES[target.groupId].replace(/\./g, "-"), privateDnsZoneId: zoneId }],
        },
        parent,
      );
      endpointIds[target.key] = endpoint.id;
    }

    if (args.diagnostics !== undefined) {
      // Virtual networks emit the VMProtectionAlerts log and metrics (Microsoft Learn "Supported logs for
      // Microsoft.Network/virtualNetworks"); endpoints and zones offer metrics only, read from Azure Monitor.
      attachDiagnostics(`${name}-vnet`, vnet.id, { ...args.diagnostics }, this);
    }

    this.id = vnet.id;
    this.name = vnet.name;
    this.appServiceSubnetId = appSubnet.id;
    this.natGatewayId = natGateway.id;
    this.privateEndpointSubnetId = endpointSubnet.id;
    this.privateEndpointIds = pulumi.output(endpointIds);
    this.registerOutputs({
      id: this.id,
      name: this.name,
      appServiceSubnetId: this.appServiceSubnetId,
      natGatewayId: this.natGatewayId,
      privateEndpointSubnetId: this.privateEndpointSubnetId,
      privateEndpointIds: this.privateEndpointIds,
    });
  }
}
