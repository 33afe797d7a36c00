// Pure tag helpers: the required tags every taggable resource carries, merged explicitly (Pulumi transforms do
// not run under the mock engine, so what tests see must be what deploys).

/** The tags every environment must set (config `acs-platform:tags`). */
export interface RequiredTags {
  env: string;
  owner: string;
  costCenter: string;
  dataClassification: string;
  service: string;
}

/** Names of the required tags, in the order they are documented. */
export const REQUIRED_TAG_NAMES = ["env", "owner", "costCenter", "dataClassification", "service"] as const;

/**
 * Merges `extra` tags under the required ones: a resource may add tags, but never override a required tag, so a
 * component cannot silently relabel cost or classification.
 */
export function mergeTags(required: RequiredTags, ...extra: Array<Record<string, string> | undefined>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const tags of extra) {
    Object.assign(merged, tags ?? {});
  }
  for (const key of REQUIRED_TAG_NAMES) {
    merged[key] = required[key];
  }
  return merged;
}
