// Test runner configuration: tiers as vitest projects. `unit` (in-process, no servers: `npm run test:unit`) and
// `integration` (real processes: emulator, Azurite, OIDC issuer, token API) run together; `load` (a fixed request
// rate that must see zero failures) runs after them, alone. `npm test` runs all three.
//
// Test files share a worker process (`isolate: false`, https://vitest.dev/config/#isolate): most of a file's cost
// was loading the Pulumi and Azure SDKs again in a fresh process (unit tier 17 s -> 7 s). What that asks of a test
// file: leave no global behind (fake timers are reset in afterEach, no test mutates process.env, the plan harness
// sets Pulumi's mocks and config afresh for every evaluation), and a check of "what this process loaded" runs in a
// child process of its own (tests/tools/plan/plan-cli.test.ts).
import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { TEST_RUN_MARKER } from "./tests/support/leak-check";

// Node's on-disk compile cache (https://nodejs.org/api/module.html#module-compile-cache) for every process the
// tests start (workers, token API instances, CLIs inherit the variable): V8 reuses compiled code of the SDKs
// instead of compiling it again in each of them.
process.env.NODE_COMPILE_CACHE ??= path.join(__dirname, ".cache", "node-compile-cache");

// Marks every process this run starts (they inherit it), so tests/support/global-setup.ts can fail the run naming
// any still running at the end, without mistaking another run's processes on the same machine for ours. `.ci/run`
// sets its own and checks again after vitest exits.
process.env[TEST_RUN_MARKER] ??= randomUUID();

/** The unit tier: components, policies, stacks and pure logic. A file that starts a server or a child process does not belong here. */
const unitTests = [
  "tests/components/**/*.test.ts",
  // pack-runtime.test.ts loads the pack in a child process under the CLI's TypeScript loader: integration.
  "tests/policies/!(pack-runtime).test.ts",
  "tests/stacks/**/*.test.ts",
  "tests/docs/**/*.test.ts",
  "tests/runbooks/{adopt,credentials,rotate-keys-report,rotation,target,chat-archive-export}.test.ts",
  // build.test.ts and codeCache.test.ts start child processes (esbuild's binary, the bundle): integration.
  "tests/services/token-api/{app-inject,config,tokenCache,tokenService,conversations-routes,verifiedTokens,telemetry-config}.test.ts",
  "tests/clients/token-refresher-lifecycle.test.ts",
  "tests/tools/acs-emulator/kql-and-faults.test.ts",
  "tests/examples/web-chat-config.test.ts",
  "tests/tools/plan/{azure-types,harness,policy-runner,cost,prices-update,exceptions}.test.ts",
  "tests/tools/psrule-counts/*.test.ts",
  "tests/support/ci-summary.test.ts",
];

/** The web chat example in headless system Chromium (`npm run test:browser`): one browser, one local environment. */
const browserTests = ["tests/browser/**/*.test.ts"];

/** Tests that hold a fixed request rate (autocannon) and assert that no request fails: CPU taken by other files would fail them. */
const loadTests = ["tests/bench/**/*.test.ts"];

// Integration files spend most of their time waiting on other processes (a secret refresh, a child's start-up), so
// more of them run at once than there are cores; vitest's default (cores - 1) runs them one by one on two cores.
// VITEST_MAX_WORKERS overrides the count (https://vitest.dev/config/#maxworkers).
const workers = Number(process.env.VITEST_MAX_WORKERS) || Math.max(4, availableParallelism() * 2);

export default defineConfig({
  test: {
    isolate: false,
    pool: "forks",
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: workers,
    projects: [
      { extends: true, test: { name: "unit", include: unitTests } },
      {
        extends: true,
        test: { name: "integration", include: ["tests/**/*.test.ts"], exclude: [...unitTests, ...loadTests, ...browserTests] },
      },
      // Groups run one after another (https://vitest.dev/config/#sequence-grouporder); a group's projects must share
      // maxWorkers. Group 1, the browser tests, starts when the unit and integration files (group 0) are done: Chromium
      // beside twenty integration processes on two cores is what a busy machine looks like. Group 2, the load tests,
      // holds a request rate, so it runs alone.
      { extends: true, test: { name: "browser", include: browserTests, maxWorkers: 1, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: "load", include: loadTests, maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
