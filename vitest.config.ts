// Test runner configuration: one suite for the whole repo; isolation stays on because Pulumi keeps global state.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    isolate: true,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
