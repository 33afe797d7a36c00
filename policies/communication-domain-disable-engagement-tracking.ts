// Policy: Email domains keep user-engagement tracking (open/click pixels) off unless the environment allows it,
// since it rewrites links and collects recipient behaviour (no PSRule rule; AVM defaults it to Disabled).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { forTypes, type Grouped, T } from "./lib";

export const communicationDomainDisableEngagementTracking: ResourceValidationPolicy & Grouped = {
  name: "communication-domain-disable-engagement-tracking",
  group: "communication",
  description: "Email domains have user-engagement tracking disabled unless the config allows it.",
  severity: "medium",
  remediationSteps: 'Set `userEngagementTracking: "Disabled"` on the Domain, or allow it in the policy config after a privacy review.',
  configSchema: {
    properties: {
      allowEngagementTracking: { type: "boolean", default: false, description: "Whether tracking may be enabled." },
    },
  },
  validateResource: forTypes([T.emailDomain], (props, args, reportViolation) => {
    const { allowEngagementTracking = false } = args.getConfig<{ allowEngagementTracking?: boolean }>();
    if (!allowEngagementTracking && props.userEngagementTracking === "Enabled") {
      reportViolation("userEngagementTracking is Enabled; it must be Disabled.");
    }
  }),
};
