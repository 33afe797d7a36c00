// The config tests' shared baseline: the dev stack's own config, and the problems a one-change mutation of it yields.
import path from "node:path";
import { expect } from "vitest";
import { StackConfigError, parseConfig, rawConfigFromPulumi } from "../../stacks/config";
import { DEFAULT_PROJECT_ROOT, readStackConfig } from "../../tools/plan/harness";

export type RawConfig = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const devConfig = rawConfigFromPulumi(readStackConfig(path.join(DEFAULT_PROJECT_ROOT, "Pulumi.dev.yaml"), "acs-platform").values);

/** A fresh copy of the dev stack's config, the valid baseline every case changes one thing of. */
export const validConfig = (): RawConfig => structuredClone(devConfig) as RawConfig;

/** The StackConfigError problems of the baseline after `mutate`; fails the test if the config still parses. */
export function problemsOf(mutate: (c: RawConfig) => void): string[] {
  const config = validConfig();
  mutate(config);
  try {
    parseConfig(config);
  } catch (err) {
    expect(err).toBeInstanceOf(StackConfigError);
    return (err as StackConfigError).problems;
  }
  throw new Error("expected a StackConfigError");
}
