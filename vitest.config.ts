import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/k8s/**", "test/faults/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    // Integration tests share one Docker Engine and two cores: keep files from stepping on each other.
    fileParallelism: false,
    reporters: process.env.CI ? ["default", "junit"] : ["default"],
    outputFile: { junit: "test-artifacts/junit.xml" },
  },
});
