// The target flags every runbook takes (smoke, rotate-keys, verify-domain): their parseArgs options, their help
// lines and what they become for resolveTarget (runbooks/lib/target.ts). Free of heavy imports, so `--help` loads
// nothing else.
import type { TargetFlags } from "./target";

export const TARGET_OPTIONS = {
  stack: { type: "string" },
  outputs: { type: "string" },
  local: { type: "boolean" },
  "local-env": { type: "string" },
} as const;

const TARGET_LINES: Array<[string, string]> = [
  ["--stack NAME", "read `pulumi stack output --json --show-secrets --stack NAME` (needs the pulumi CLI)"],
  ["--outputs FILE", "read the same JSON from a file (e.g. saved by a CI deploy job)"],
  ["--local", "the local environment started by `npm run dev` (.local-dev/env.json)"],
  ["--local-env FILE", "with --local: read FILE instead of .local-dev/env.json"],
];

/** The "Target (exactly one)" section of a runbook's help, its descriptions starting at `column` like its other options. */
export function targetHelp(column: number): string {
  return ["Target (exactly one):", ...TARGET_LINES.map(([flag, text]) => `  ${flag.padEnd(column - 2)}${text}`)].join("\n");
}

/** The parsed target flags as resolveTarget takes them. */
export function targetFlagsOf(args: { stack?: string; outputs?: string; local?: boolean; "local-env"?: string }): TargetFlags {
  return { stack: args.stack, outputs: args.outputs, local: args.local, localEnv: args["local-env"] };
}
