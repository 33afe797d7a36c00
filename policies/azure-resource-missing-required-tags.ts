// Policy: every taggable resource carries the required tags with non-empty values (PSRule Azure.Resource.UseTags,
// Azure.Resource.RequiredTags).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { type Grouped, T } from "./lib";

/** Azure types that accept tags; any other azure-native resource that declares `tags` counts as taggable too. */
export const TAGGABLE_TYPES: readonly string[] = [
  T.resourceGroup,
  T.communicationService,
  T.emailService,
  T.emailDomain,
  T.vault,
  T.webApp,
  T.appServicePlan,
  T.storageAccount,
  T.workspace,
  T.appInsights,
  T.systemTopic,
  T.eventGridTopic,
  T.actionGroup,
  T.metricAlert,
  T.scheduledQueryRule,
  T.userAssignedIdentity,
];

export const azureResourceMissingRequiredTags: ResourceValidationPolicy & Grouped = {
  name: "azure-resource-missing-required-tags",
  group: "resources",
  description: "Every taggable Azure resource carries each required tag with a non-empty value.",
  severity: "medium",
  remediationSteps:
    "Pass the stack's merged tags to the component (its `tags` argument) so every taggable child gets them; " +
    "set the missing tag values in the stack config.",
  configSchema: {
    properties: {
      requiredTags: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: ["env", "owner", "costCenter", "dataClassification", "service"],
        description: "Tag names every taggable resource must carry.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    const declaresTags = args.type.startsWith("azure-native:") && Object.prototype.hasOwnProperty.call(args.props, "tags");
    if (!TAGGABLE_TYPES.includes(args.type) && !declaresTags) {
      return args.notApplicable("Policy only applies to taggable Azure resources");
    }
    const { requiredTags = [] } = args.getConfig<{ requiredTags?: string[] }>();
    const tags = (args.props.tags ?? {}) as Record<string, unknown>;
    const missing = requiredTags.filter((t) => typeof tags[t] !== "string" || (tags[t] as string).trim() === "");
    if (missing.length > 0) {
      reportViolation(`Missing or empty required tags: ${missing.join(", ")}.`);
    }
  },
};
