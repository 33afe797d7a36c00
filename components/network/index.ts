// Network: the private network that lets the token API reach a vault which denies public traffic — a virtual
// network, a subnet delegated to App Service for regional VNet integration, a subnet for private endpoints, and one
// private endpoint per target with its private DNS zone, the zone's link to the network and the endpoint's zone
// group (the shape of AVM `avm/res/network/virtual-network` + `avm/res/network/private-endpoint`).
//
// Property names checked against @pulumi/azure-native 3.28 network (API 2024-05-01) and privatedns (2024-06-01)
// typings. Subnets are standalone resources: from network API 2023-09-01 a VNet PUT without `subnets` keeps the
// existing ones (Azure/azure-quickstart-templates#2786, pulumi/pulumi-azure-native#611), so the two do not fight.
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { attachDiagnostics } from "../common/diagnostics";
import { resourceName } from "../common/naming";
import { APP_SERVICE_DELEGATION, PRIVATE_DNS_ZONES, type PrivateLinkGroupId } from "./address-plan";
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
}

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

    const appSubnet = new network.Subnet(
      `${name}-snet-app`,
      {
        subnetName: resourceName("subnet", args.naming, "app"),
        virtualNetworkName: vnet.name,
        resourceGroupName: args.resourceGroupName,
        addressPrefix: args.appServiceSubnetPrefix,
        delegations: [{ name: APP_SERVICE_DELEGATION.replace("/", "."), serviceName: APP_SERVICE_DELEGATION }],
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
        // The Azure default, stated: no NSG or route table applies to the endpoints here.
        privateEndpointNetworkPolicies: "Disabled",
      },
      { parent: this, dependsOn: [appSubnet] },
    );

    // One zone (and one VNet link) per distinct zone, shared by every endpoint that resolves through it.
    const zones = new Map<string, privatedns.PrivateZone>();
    for (const groupId of new Set(args.privateEndpoints.map((t) => t.groupId))) {
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
      zones.set(groupId, zone);
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
      const zone = zones.get(target.groupId) as privatedns.PrivateZone;
      new network.PrivateDnsZoneGroup(
        `${name}-pep-${target.key}-dns`,
        {
          privateDnsZoneGroupName: DNS_ZONE_GROUP_NAME,
          privateEndpointName: endpoint.name,
          resourceGroupName: args.resourceGroupName,
          privateDnsZoneConfigs: [{ name: PRIVATE_DNS_ZONES[target.groupId].replace(/\./g, "-"), privateDnsZoneId: zone.id }],
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
    this.privateEndpointSubnetId = endpointSubnet.id;
    this.privateEndpointIds = pulumi.output(endpointIds);
    this.registerOutputs({
      id: this.id,
      name: this.name,
      appServiceSubnetId: this.appServiceSubnetId,
      privateEndpointSubnetId: this.privateEndpointSubnetId,
      privateEndpointIds: this.privateEndpointIds,
    });
  }
}
