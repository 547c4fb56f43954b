/** Where a kubernetes sandbox's runner Jobs go: its namespace, the cluster's client, the runner image. */
import { PUSHED_TAG, pushedRepository } from "../../../stacks/catalog/images.ts";
import { infrastructureError } from "../errors.ts";
import { kubeClientFromKubeconfig } from "../k8s-tier/kubeconfig-client.ts";
import type { SandboxView } from "../sandbox/view.ts";
import type { SandboxSpec } from "../sandbox-spec/index.ts";
import type { JobRunnerOptions } from "./job-runners.ts";
import { LOAD_RUNNER_IMAGE } from "./runners.ts";

/**
 * The Jobs go where `up` put the sandbox (the kubeconfig, context and namespace its record keeps), not
 * where today's $KUBECONFIG points; the image comes from the spec's registry, as the candidates' do.
 */
export async function jobRunnerTarget(
  spec: SandboxSpec,
  view: Pick<SandboxView, "sandbox" | "owner" | "expiresAt" | "status">,
  runId: string,
): Promise<JobRunnerOptions> {
  const location = view.status.kubernetes;
  if (!location)
    throw infrastructureError(
      "LOAD_NO_NAMESPACE",
      `sandbox "${view.sandbox}" has no recorded kubernetes namespace`,
      "run `sandbox up` again: it records where the sandbox runs",
    );
  const registry = spec.target.kind === "kubernetes" ? spec.target.registry : "";
  return {
    client: await kubeClientFromKubeconfig(location.kubeconfig, location.context),
    namespace: location.namespace,
    identity: { name: view.sandbox, owner: view.owner, expiresAt: view.expiresAt },
    image: `${pushedRepository(registry, LOAD_RUNNER_IMAGE.name)}:${PUSHED_TAG}`,
    runId,
  };
}
