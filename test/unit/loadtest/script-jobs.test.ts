import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import type { KubeClient } from "../../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { runScriptLoad } from "../../../sandbox-cli/src/loadtest/script-run.ts";
import { createLogger } from "../../../sandbox-cli/src/util/log.ts";

const scripts = join(import.meta.dirname, "..", "..", "fixtures", "k6-scripts");

describe("a k6-style script on runner Jobs", () => {
  it("refuses setup() or teardown() on more than one Job before anything runs (Jobs share no folder)", async () => {
    const refused = await runScriptLoad({
      script: join(scripts, "setup-data.ts"),
      env: { BASE_URL: "http://127.0.0.1:9" },
      allowHosts: ["127.0.0.1:9"],
      runners: 2,
      name: "unit",
      log: createLogger(),
      kubernetes: {
        // never reached: the refusal comes first
        client: {} as KubeClient,
        namespace: "sandbox-unit",
        identity: { name: "unit", owner: "a@example.com", expiresAt: "2026-12-31T00:00:00.000Z" },
        image: "127.0.0.1:5050/elearning-sandbox/load-runner:latest",
      },
    }).catch((error: unknown) => error);
    expect(isSandboxError(refused) && refused.code).toBe("SCRIPT_SETUP_ON_JOBS");
    expect(isSandboxError(refused) && refused.exitCode).toBe(2);
  });
});
