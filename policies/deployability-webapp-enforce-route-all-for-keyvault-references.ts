// Deployability rule: a Linux web app integrated into a virtual network resolves its Key Vault references
// through that network only when all traffic (configuration traffic included) is routed into it; otherwise the
// reference goes out the public route, the vault firewall denies it and the app sees the literal reference.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { appSettingsAllowingUnknown, forTypes, type Grouped, isKeyVaultReference, known, T, UNKNOWN } from "./lib";
import { SOURCES } from "./deployability-facts";

export const deployabilityWebappEnforceRouteAllForKeyvaultReferences: ResourceValidationPolicy & Grouped = {
  name: "deployability-webapp-enforce-route-all-for-keyvault-references",
  group: "deployability",
  description:
    "A VNet-integrated Linux web app with Key Vault references routes all traffic (outboundVnetRouting.allTraffic) into the network.",
  severity: "high",
  remediationSteps:
    "Set `outboundVnetRouting: { allTraffic: true }` (with a NAT gateway on the integration subnet for internet egress), or read the " +
    "secret in code with the app's identity instead of a Key Vault reference.",
  validateResource: forTypes([T.webApp], (props, args, reportViolation) => {
    const linux = typeof props.kind === "string" && props.kind.toLowerCase().includes("linux");
    // A subnet id unknown in a preview is a subnet this deployment creates: the app is integrated.
    const subnet = known(() => props.virtualNetworkSubnetId);
    if (!linux || (subnet !== UNKNOWN && (typeof subnet !== "string" || subnet === ""))) return;
    const references = [...appSettingsAllowingUnknown(args.type, props)].filter(([, v]) => isKeyVaultReference(v)).map(([k]) => k);
    if (references.length === 0) return;
    if (known(() => props.outboundVnetRouting?.allTraffic) === true) return;
    reportViolation(
      `${T.webApp} '${args.name}' is a Linux app integrated into a virtual network with Key Vault references (${references.join(", ")}) ` +
        `but does not route all traffic into it. "Linux applications that connect to private endpoints must be explicitly configured to ` +
        `route all traffic through the virtual network"; with application traffic only, configuration traffic (Key Vault references) ` +
        `uses the public route, so the reference does not resolve. Sources: ${SOURCES.keyVaultReferences}, ${SOURCES.vnetRouting}`,
    );
  }),
};
