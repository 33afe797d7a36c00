// Policy: Web Apps have a managed identity, so they reach Key Vault, Storage and ACS without stored secrets
// (PSRule Azure.AppService.ManagedIdentity).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

const IDENTITY_TYPES = ["SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "SystemAssigned,UserAssigned"];

export const webWebappEnableManagedIdentity: ResourceValidationPolicy & Grouped = {
  name: "web-webapp-enable-managed-identity",
  group: "web",
  description: "Web Apps have a system- or user-assigned managed identity.",
  severity: "medium",
  remediationSteps: 'Set `identity: { type: "SystemAssigned" }` (or UserAssigned with `userAssignedIdentities`).',
  validateResource: forTypes([T.webApp], (props, _args, reportViolation) => {
    const type = props.identity?.type;
    if (!IDENTITY_TYPES.includes(type)) {
      reportViolation(`identity.type is '${type ?? "unset"}'; it must be SystemAssigned or UserAssigned.`);
    }
  }),
};
