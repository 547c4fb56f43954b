import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation/index.js";
import { kubernetesSandboxProgram } from "../../../stacks/kubernetes/sandbox.ts";
import { pathWithTools, projectRoot } from "../paths.ts";
import { kubeAt } from "../runtime/kube.ts";
import type { LoadedSpec } from "../sandbox-spec/index.ts";
import { assertKubernetesTargetDeployable } from "../sandbox-spec/kubernetes-target.ts";
import type { Logger } from "../util/log.ts";
import { deployStack, type UpResult } from "./deploy.ts";
import { describeKubernetesCandidates } from "./describe-kubernetes.ts";
import { waitForPodsReady } from "./kubernetes-pods.ts";
import { withSandboxLock } from "./lock.ts";
import { readRecord, type SandboxRecord, writeRecord } from "./registry.ts";
import { planSpecCandidates } from "./up.ts";
import { assertPulumiCli, selectStack } from "./workspace.ts";

/** IT's CrossGuard pack: every kubernetes `up` previews and deploys under it (mandatory rules block). */
export const POLICY_PACK_DIR = join(projectRoot, "stacks", "policy");

type SecretValues = Record<string, Record<string, string>>;

/** How long `up` waits for every candidate's pods to be Ready (image pulls included), by default. */
export const KUBERNETES_READY_TIMEOUT_S = 300;

/**
 * `sandbox up` on the kubernetes target: the guarded namespace and the candidates through the Pulumi
 * kubernetes provider, on the cluster and context the spec (or $KUBECONFIG) names, then a bounded wait
 * until every candidate's pods are Ready (Pulumi does not wait: an Ingress without a controller would hold
 * it, and a pod's own waiting reason says more than a rollout timeout). Generated passwords are kept in
 * the stack's secret output and reused, so a second `up` changes nothing.
 */
export async function sandboxUpKubernetes(
  loaded: LoadedSpec,
  log: Logger,
  options: { readonly readyTimeoutS?: number } = {},
): Promise<UpResult> {
  const { spec } = loaded;
  const planned = planSpecCandidates(loaded);
  // the engine runs Pulumi with .tools/bin on PATH, where `npm run k8s:provider` links the plugin
  const connection = await assertKubernetesTargetDeployable(spec, { ...process.env, PATH: pathWithTools() });
  await assertPulumiCli();
  const started = performance.now();
  return withSandboxLock(spec.name, "up", async () => {
    const previous = await readRecord(spec.name);
    const createdAt = previous?.createdAt ?? new Date().toISOString();
    const record: SandboxRecord = {
      name: spec.name,
      owner: spec.owner,
      target: "kubernetes",
      specPath: loaded.path,
      specSha256: loaded.sha256,
      createdAt,
      expiresAt: new Date(Date.parse(createdAt) + spec.ttl * 1000).toISOString(),
      updatedAt: new Date().toISOString(),
      state: "creating",
      hostPorts: {},
      kubernetes: {
        kubeconfig: connection.kubeconfigPath,
        ...(connection.context ? { context: connection.context } : {}),
        namespace: connection.namespace,
      },
      candidates: describeKubernetesCandidates(planned, connection.namespace),
    };
    await writeRecord(record);
    // Generated passwords live in the stack's secret output; the program reuses them on the next up.
    let kept: SecretValues | undefined;
    const program = async () =>
      kubernetesSandboxProgram({
        spec,
        createdAt: new Date(createdAt),
        kubeconfig: connection.kubeconfigPath,
        ...(connection.context ? { context: connection.context } : {}),
        ...(kept ? { secretValues: kept } : {}),
        skipAwait: true,
      })();
    const stack = await log.step("select stack", () => selectStack(spec.name, program, log));
    kept = await keptSecrets(stack, log);
    return deployStack({
      stack,
      record,
      title: `deploy sandbox ${spec.name} into namespace ${connection.namespace}`,
      startedMs: started,
      // refresh first: objects removed behind Pulumi's back (a cluster reset, a deleted Service) are
      // created again instead of failing the update with "not found"
      upOptions: { policyPacks: [POLICY_PACK_DIR], refresh: true },
      hint: "fix the cause above (a policy violation names its rule) and run `sandbox up` again, or `sandbox down` to remove what was created",
      afterDeploy: (deployed) =>
        log.step(`wait for the pods of ${planned.length} candidate(s) to be Ready`, async () => {
          const pods = await waitForPodsReady({
            kube: kubeAt({ kubeconfig: connection.kubeconfigPath, context: connection.context }),
            namespace: connection.namespace,
            sandbox: spec.name,
            instances: deployed.candidates.flatMap((c) =>
              c.instances.map((i) => ({ candidate: c.name, instance: i.instance })),
            ),
            timeoutS: options.readyTimeoutS ?? KUBERNETES_READY_TIMEOUT_S,
            log,
          });
          return {
            ...deployed,
            candidates: describeKubernetesCandidates(planned, connection.namespace, pods),
          };
        }),
      log,
    });
  });
}

async function keptSecrets(stack: Stack, log: Logger): Promise<SecretValues | undefined> {
  try {
    return (await stack.outputs()).secrets?.value as SecretValues | undefined;
  } catch (error) {
    log.warn(
      `could not read the stack's kept passwords, new ones are generated: ${(error as Error).message}`,
    );
    return undefined;
  }
}
