// Stack policy: the stack has an enabled action group with at least one receiver, so alerts reach a person
// (no PSRule rule targets action groups).
import type { StackValidationPolicy } from "@pulumi/policy";
import { type Grouped, T } from "./lib";

const RECEIVER_FIELDS = [
  "emailReceivers",
  "smsReceivers",
  "webhookReceivers",
  "azureAppPushReceivers",
  "voiceReceivers",
  "armRoleReceivers",
  "azureFunctionReceivers",
  "logicAppReceivers",
  "automationRunbookReceivers",
  "eventHubReceivers",
  "itsmReceivers",
  "incidentReceivers",
];

export const monitorActiongroupMissingReceiver: StackValidationPolicy & Grouped = {
  name: "monitor-actiongroup-missing-receiver",
  group: "monitor",
  description: "The stack has an enabled action group with at least one receiver.",
  severity: "high",
  remediationSteps: "Set the stack's alert receivers (e.g. alerts.emails) so the Alerts component creates an ActionGroup with receivers.",
  validateStack: (args, reportViolation) => {
    const groups = args.resources.filter((r) => r.type === T.actionGroup);
    if (groups.length === 0) {
      reportViolation("The stack has no action group.");
      return;
    }
    const usable = groups.filter(
      (g) => g.props.enabled !== false && RECEIVER_FIELDS.some((f) => Array.isArray(g.props[f]) && g.props[f].length > 0),
    );
    if (usable.length === 0) {
      for (const g of groups) reportViolation(`Action group '${g.name}' is disabled or has no receivers.`, g.urn);
    }
  },
};
