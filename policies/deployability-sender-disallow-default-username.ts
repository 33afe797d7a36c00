// Deployability rule: no SenderUsername declares the `DoNotReply` sender Azure creates on every email domain;
// azure-native's create finds it already there and stops the deployment.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped } from "./lib";
import { DEFAULT_SENDER_USERNAME, isDefaultSender, SOURCES } from "./deployability-facts";

const SENDER_USERNAME = "azure-native:communication:SenderUsername";

export const deployabilitySenderDisallowDefaultUsername: ResourceValidationPolicy & Grouped = {
  name: "deployability-sender-disallow-default-username",
  group: "deployability",
  description: `No SenderUsername re-creates the default '${DEFAULT_SENDER_USERNAME}' sender Azure creates on every email domain.`,
  severity: "high",
  remediationSteps:
    `Do not declare '${DEFAULT_SENDER_USERNAME}': its address is <${DEFAULT_SENDER_USERNAME}@domain> from the start. Declare only extra senders, ` +
    "or adopt the existing one with the `import` resource option and its ARM id (then disable this rule for that one run).",
  validateResource: forTypes([SENDER_USERNAME], (props, args, reportViolation) => {
    const username = props.username ?? props.senderUsername;
    if (isDefaultSender(username) || isDefaultSender(props.senderUsername)) {
      reportViolation(
        `${SENDER_USERNAME} '${args.name}' declares '${String(username)}' as a new resource on domain '${String(props.domainName ?? "")}'. ` +
          `Azure already created it with the domain ("it has default MailFrom address as donotreply@..."), and azure-native's create ` +
          `answers "cannot create already existing resource" (Communication has no entry in its default-resource list). ` +
          `Sources: ${SOURCES.multipleSenders}, ${SOURCES.azureNativeCreate}`,
      );
    }
  }),
};
