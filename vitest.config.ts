// Test runner configuration: two tiers, `unit` (in-process, no servers: `npm run test:unit`) and `integration` (real
// processes: emulator, Azurite, OIDC issuer, token API); `npm test` runs both. Isolation stays on because Pulumi
// keeps global state.
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/** The unit tier: components, policies, stacks and pure logic. A file that starts a server or a child process does not belong here. */
const unitTests = [
  "tests/components/**/*.test.ts",
  "tests/policies/**/*.test.ts",
  "tests/stacks/**/*.test.ts",
  "tests/docs/**/*.test.ts",
  "tests/runbooks/{credentials,rotate-keys-report,rotation,target}.test.ts",
  "tests/services/token-api/{config,tokenCache}.test.ts",
  "tests/tools/acs-emulator/kql-and-faults.test.ts",
  "tests/tools/plan/{harness,policy-runner}.test.ts",
];

// Integration files spend most of their time waiting on other processes (a secret refresh, a child's start-up), so
// more of them run at once than there are cores; vitest's default (cores - 1) runs them one by one on two cores.
// VITEST_MAX_WORKERS overrides the count (https://vitest.dev/config/#maxworkers).
const integrationWorkers = Number(process.env.VITEST_MAX_WORKERS) || Math.max(4, availableParallelism() * 2);

export default defineConfig({
  test: {
    isolate: true,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: integrationWorkers,
    projects: [
      { extends: true, test: { name: "unit", include: unitTests } },
      { extends: true, test: { name: "integration", include: ["tests/**/*.test.ts"], exclude: unitTests } },
    ],
  },
});
