// The data model of the offline plan: what the mock engine recorded, shared by the plan harness, the policy
// runner and every output format.

/** One resource the program declared, as `pulumi up` would register it. */
export interface PlannedResource {
  /** Full Pulumi URN (`urn:pulumi:<stack>::<project>::<parent types$>type::name`). */
  urn: string;
  /** Pulumi type token, e.g. `azure-native:keyvault:Vault` or `acs:keyvault:SecretStore`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  /** URN of the parent resource, or undefined for the stack's root. */
  parent?: string;
  /** URNs this resource depends on (explicit dependsOn plus resources whose outputs flowed into its inputs). */
  dependencies: string[];
  /** Inputs as registered; secret values are replaced by SECRET_PLACEHOLDER. */
  inputs: Record<string, unknown>;
  /** Property paths (dot/bracket notation) whose values were secret. */
  secretPaths: string[];
  /** True for provider resources (CustomResource), false for components. */
  custom: boolean;
  /** The provider-supplied or mock-computed id. */
  id?: string;
  /** Resource options that policies see (protect, ignoreChanges, ...). */
  options: { protect?: boolean; ignoreChanges?: string[]; deleteBeforeReplace?: boolean; aliases?: string[] };
}

/** The marker that replaces any secret value in plan output. */
export const SECRET_PLACEHOLDER = "[secret]";

/** The result of evaluating a stack's program offline. */
export interface PlanResult {
  project: string;
  stack: string;
  /** Resources in registration order. */
  resources: PlannedResource[];
  /** Stack outputs with secrets masked. */
  outputs: Record<string, unknown>;
  /** Milliseconds spent evaluating the program. */
  programMs: number;
}
