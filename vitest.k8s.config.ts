import { defineConfig } from "vitest/config";

/** `npm run test:k8s`: the real API server tier, kept out of `npm test` (slow toolchain, own control plane). */
export default defineConfig({
  test: {
    include: ["test/k8s/**/*.test.ts"],
    globalSetup: ["test/k8s/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
