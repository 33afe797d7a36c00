// Policy: every taggable resource carries the required tags with non-empty values (PSRule Azure.Resource.UseTags,
// Azure.Resource.RequiredTags).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { typesWhere } from "./azure-types";
import type { Grouped } from "./lib";

/** Azure types that accept tags (the `taggable` types of the catalog); any other azure-native resource that declares `tags` counts as taggable too. */
export const TAGGABLE_TYPES: readonly string[] = typesWhere("taggable");

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
