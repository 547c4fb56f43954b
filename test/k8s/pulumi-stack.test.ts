import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, inject, it } from "vitest";
import { pulumiCommand } from "../../sandbox-cli/src/engine/workspace.ts";
import { pathWithTools, projectRoot } from "../../sandbox-cli/src/paths.ts";
import { kubernetesSandboxProgram } from "../../stacks/kubernetes/sandbox.ts";
import { tierClient, tierSpec, uniqueName, waitFor } from "./helpers.ts";

const tier = inject("k8sTier");

/**
 * The Pulumi path needs the kubernetes provider plugin at the version @pulumi/kubernetes asks for;
 * where it cannot be built (see the reason printed by the global setup) these tests are skipped.
 */
describe.skipIf(!tier.providerInstalled)("the kubernetes target through Pulumi on a real API server", () => {
  it("previews with IT's policy pack, converges, and is removed completely by destroy", async () => {
    const spec = tierSpec(uniqueName("pulumi"), ["reference-lms"]);
    const backend = await mkdtemp(join(tmpdir(), "sandbox-k8s-tier-pulumi-"));
    const client = tierClient();
    try {
      const program = kubernetesSandboxProgram({
        spec,
        createdAt: new Date(),
        kubeconfig: tier.kubeconfig,
        context: tier.context,
      });
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: spec.name, projectName: "k8s-tier", program },
        {
          pulumiCommand: await pulumiCommand(),
          envVars: {
            PATH: pathWithTools(),
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: "k8s-tier",
            PULUMI_SKIP_UPDATE_CHECK: "true",
          },
        },
      );
      const preview = await stack.preview({ policyPacks: [join(projectRoot, "stacks", "policy")] });
      expect(preview.stdout).toMatch(/Policies:|policy/i);
      const up = await stack.up();
      expect(up.summary.result).toBe("succeeded");
      const namespace = String(up.outputs.namespace?.value);
      expect((await client.request("GET", `/api/v1/namespaces/${namespace}`)).status).toBe(200);
      await stack.destroy();
      const gone = await waitFor(
        async () =>
          (await client.request("GET", `/api/v1/namespaces/${namespace}`)).status === 404 ? true : undefined,
        120_000,
      );
      expect(gone).toBe(true);
    } finally {
      await rm(backend, { recursive: true, force: true });
    }
  });
});

describe.runIf(!tier.providerInstalled)("the kubernetes provider plugin", () => {
  it("is reported missing with the reason it cannot be built here", () => {
    expect(tier.providerReason).toMatch(/provider\/v4@v4\.34\.2/);
  });
});
