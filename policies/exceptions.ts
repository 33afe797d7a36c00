// The one list of reviewed exceptions to the pack's policies: a policy that does not fit one resource of one stack,
// why, and what compensates. The offline plan reads it and reports every match as excepted (never as a silent pass);
// docs/policies.md is generated from it beside the PSRule for Azure rule each policy covers.
import type { StackName } from "./psrule-types";

/** One reviewed exception: `policy` does not apply to `resources` in `stacks`, for `why`. */
export interface PolicyException {
  /** The pack policy whose violation is excepted (a name from policies/policies.ts). */
  policy: string;
  /** The PSRule for Azure rule the exception is about, e.g. "Azure.Storage.LocalAuth", when the policy covers one. */
  psRule?: string;
  /** The stacks it holds for. */
  stacks: readonly StackName[];
  /** Pulumi logical names of the resources it covers (the last segment of the URN), e.g. "acsplat-token-api-package". */
  resources: readonly string[];
  /** Why the rule does not fit here, in a sentence or two. */
  why: string;
  /** What limits the risk instead. */
  compensatingControls: string;
  /** Public sources for the decision (Learn, the rule's own page, the provider issue). */
  sources: readonly string[];
  /** Who reviewed it and when (YYYY-MM-DD). */
  reviewed: { by: string; on: string };
}

export const POLICY_EXCEPTIONS: readonly PolicyException[] = [];
