/** Where a kubernetes sandbox's runner Jobs go: its namespace, the cluster's client, the runner image. */
import { PUSHED_TAG, pushedRepository } from "../../../stacks/catalog/images.ts";
import { kubeClientFromKubeconfig } from "../k8s-tier/kubeconfig-client.ts";
import type { SandboxView } from "../sandbox/view.ts";
import type { SandboxSpec } from "../sandbox-spec/index.ts";
import { checkKubernetesTarget } from "../sandbox-spec/kubernetes-target.ts";
import type { JobRunnerOptions } from "./job-runners.ts";
import { LOAD_RUNNER_IMAGE } from "./runners.ts";

export async function jobRunnerTarget(
  spec: SandboxSpec,
  view: Pick<SandboxView, "sandbox" | "owner" | "expiresAt">,
  runId: string,
): Promise<JobRunnerOptions> {
  const connection = await checkKubernetesTarget(spec);
  const registry = spec.target.kind === "kubernetes" ? spec.target.registry : "";
  return {
    client: await kubeClientFromKubeconfig(connection.kubeconfigPath, connection.context),
    namespace: connection.namespace,
    identity: { name: view.sandbox, owner: view.owner, expiresAt: view.expiresAt },
    image: `${pushedRepository(registry, LOAD_RUNNER_IMAGE.name)}:${PUSHED_TAG}`,
    runId,
  };
}
