// Shared types of the PSRule for Azure mapping (policies/psrule.ts) and the exceptions (policies/exceptions.ts).

/** The stacks the project ships; each has policies/config/<name>.json and Pulumi.<name>.yaml. */
export type StackName = "dev" | "prod";
