import { defineConfig } from "vitest/config";

/**
 * `npm run test:faults`: real faults on real containers (a killed LMS, PostgreSQL or runner, a full
 * state folder, two sandboxes at once), kept out of `npm test`: each case brings up its own sandbox.
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    reporters: process.env.CI ? ["default", "junit"] : ["default"],
    outputFile: { junit: "test-artifacts/junit-faults.xml" },
  },
});
