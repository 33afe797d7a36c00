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
  /** Resource options as registered (protect, ignoreChanges, import, ...); absent keys mean the option is unset. */
  options: ResourceOptions;
  /** Where the program declared the resource (`new ...` call site), as the Pulumi SDK reports it. */
  source?: SourcePosition;
}

/** The resource options the plan records and shows (Pulumi's ResourceOptions / CustomResourceOptions). */
export interface ResourceOptions {
  protect?: boolean;
  ignoreChanges?: string[];
  deleteBeforeReplace?: boolean;
  aliases?: string[];
  /** The cloud id to adopt instead of creating (the `import` option). */
  import?: string;
  retainOnDelete?: boolean;
  /** Explicit `dependsOn` URNs: dependencies that no input property carries. */
  dependsOn?: string[];
  replaceOnChanges?: string[];
}

/** A file position: `uri` as the SDK reports it (a file path or file:// URL), 1-based line and column. */
export interface SourcePosition {
  uri: string;
  line: number;
  column: number;
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
  /** Values the mock cloud invented (ids, host names, principal ids, ...), each with the URN of the resource it
   *  belongs to; in a real deployment Azure returns different values. */
  mockValues: Array<{ value: string; urn: string }>;
  /** Top-level stack output names whose value contains a mock value. */
  mockOutputs: string[];
}
