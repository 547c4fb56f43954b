import { join } from "node:path";
import { kubernetesSandboxProgram } from "../../../stacks/kubernetes/sandbox.ts";
import { infrastructureError } from "../errors.ts";
import { pathWithTools, projectRoot } from "../paths.ts";
import type { LoadedSpec } from "../spec/index.ts";
import { assertKubernetesTargetDeployable } from "../spec/kubernetes-target.ts";
import type { Logger } from "../util/log.ts";
import { withSandboxLock } from "./lock.ts";
import { progressReporter } from "./progress.ts";
import { readRecord, type SandboxRecord, writeRecord } from "./registry.ts";
import type { UpResult } from "./up.ts";
import { assertPulumiCli, selectStack, stackExists } from "./workspace.ts";

/** IT's CrossGuard pack: every kubernetes `up` previews and deploys under it (mandatory rules block). */
export const POLICY_PACK_DIR = join(projectRoot, "stacks", "policy");

type SecretValues = Record<string, Record<string, string>>;

/**
 * `sandbox up` on the kubernetes target: the guarded namespace and the candidates through the Pulumi
 * kubernetes provider, on the cluster and context the spec (or $KUBECONFIG) names. Generated passwords
 * are kept in the stack's secret output and reused, so a second `up` changes nothing.
 */
export async function sandboxUpKubernetes(loaded: LoadedSpec, log: Logger): Promise<UpResult> {
  const { spec } = loaded;
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
      candidates: [],
    };
    await writeRecord(record);
    const secretValues = (await stackExists(spec.name)) ? await previousSecrets(spec.name, log) : undefined;
    const program = kubernetesSandboxProgram({
      spec,
      createdAt: new Date(createdAt),
      kubeconfig: connection.kubeconfigPath,
      ...(connection.context ? { context: connection.context } : {}),
      ...(secretValues ? { secretValues } : {}),
    });
    const stack = await log.step("select stack", () => selectStack(spec.name, program, log));
    const progress = progressReporter(log);
    try {
      const result = await log.step(
        `deploy sandbox ${spec.name} into namespace ${connection.namespace}`,
        () => stack.up({ onEvent: progress.onEvent, color: "never", policyPacks: [POLICY_PACK_DIR] }),
      );
      const changes = (result.summary.resourceChanges ?? {}) as Record<string, number>;
      const done: SandboxRecord = { ...record, state: "up", updatedAt: new Date().toISOString() };
      await writeRecord(done);
      return {
        name: spec.name,
        changes,
        changed: Object.keys(changes).some((op) => op !== "same" && (changes[op] ?? 0) > 0),
        durationS: (performance.now() - started) / 1000,
        record: done,
      };
    } catch (error) {
      await writeRecord({ ...record, state: "failed", updatedAt: new Date().toISOString() });
      const details =
        progress.errors.join("\n") ||
        String((error as Error).message)
          .split("\n")
          .slice(-12)
          .join("\n");
      throw infrastructureError(
        "SANDBOX_UP_FAILED",
        `sandbox up ${spec.name} on the cluster failed:\n${details}`,
        "fix the cause above (a policy violation names its rule) and run `sandbox up` again, or `sandbox down` to remove what was created",
        error,
      );
    }
  });
}

async function previousSecrets(name: string, log: Logger): Promise<SecretValues | undefined> {
  const { sandboxSecrets } = await import("./status.ts");
  try {
    return (await sandboxSecrets(name)) as SecretValues | undefined;
  } catch (error) {
    log.warn(
      `could not read the stack's kept passwords, new ones are generated: ${(error as Error).message}`,
    );
    return undefined;
  }
}
