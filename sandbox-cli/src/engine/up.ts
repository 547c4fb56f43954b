import {
  CatalogLookupError,
  exposedPorts,
  type PlannedCandidate,
  planCandidates,
} from "../../../stacks/catalog/index.ts";
import { EDGE_IMAGE, planDockerSandbox } from "../../../stacks/docker/plan.ts";
import { dockerSandboxProgram } from "../../../stacks/docker/program.ts";
import { usageError } from "../errors.ts";
import { DOCKER_PROVIDER_MODULE } from "../runtime/docker-provider/provider.ts";
import { ensureImage } from "../runtime/images.ts";
import type { LoadedSpec } from "../sandbox-spec/index.ts";
import type { Logger } from "../util/log.ts";
import { deployStack, type UpResult } from "./deploy.ts";
import { describeCandidates } from "./describe.ts";
import { withSandboxLock } from "./lock.ts";
import { allocatePorts } from "./ports.ts";
import { listRecords, readRecord, type SandboxRecord, writeRecord } from "./registry.ts";
import { assertPrerequisites, selectStack } from "./workspace.ts";

export type { UpResult } from "./deploy.ts";

export interface UpOptions {
  /** seconds a container may take to become ready (default 180). */
  readonly readyTimeoutS?: number;
}

export function planSpecCandidates(loaded: LoadedSpec): PlannedCandidate[] {
  try {
    return planCandidates(loaded.spec.candidates);
  } catch (error) {
    if (error instanceof CatalogLookupError) {
      throw usageError(
        "SPEC_UNKNOWN_CANDIDATE",
        `${loaded.path}: ${error.message}`,
        "use one of the known catalog ids in candidates[].catalog",
        error,
      );
    }
    throw error;
  }
}

function recipesFor(candidates: readonly PlannedCandidate[]) {
  const recipes = new Map<string, { name: string; folder: string }>([[EDGE_IMAGE.folder, EDGE_IMAGE]]);
  for (const instance of candidates.flatMap((candidate) => candidate.instances)) {
    if ("recipe" in instance.image.docker)
      recipes.set(instance.image.docker.recipe.folder, instance.image.docker.recipe);
  }
  return [...recipes.values()];
}

/** Builds the recipe images the sandbox needs (each only when its inputs changed); returns folder -> context hash. */
async function buildImages(
  candidates: readonly PlannedCandidate[],
  log: Logger,
): Promise<Record<string, string>> {
  // In parallel: when nothing changed, each is a context copy and hash, mostly waiting on the disk.
  const built = await Promise.all(
    recipesFor(candidates).map(async (recipe) => [
      recipe.folder,
      (await ensureImage(recipe, log)).contextHash,
    ]),
  );
  return Object.fromEntries(built);
}

/** Creates or updates the sandbox described by the spec and waits until every container is ready (kubernetes: see up-kubernetes.ts). */
export async function sandboxUp(loaded: LoadedSpec, log: Logger, options: UpOptions = {}): Promise<UpResult> {
  const { spec } = loaded;
  if (spec.target.kind === "kubernetes") {
    const { sandboxUpKubernetes } = await import("./up-kubernetes.ts");
    return sandboxUpKubernetes(loaded, log, options);
  }
  const candidates = planSpecCandidates(loaded);
  await assertPrerequisites();
  const started = performance.now();
  return withSandboxLock(spec.name, "up", async () => {
    const previous = await readRecord(spec.name);
    if (previous && previous.owner !== spec.owner) {
      log.warn(`sandbox ${spec.name} was created by ${previous.owner}; continuing as ${spec.owner}`);
    }
    // The images are built while the stack is selected and the Pulumi engine starts: the inline
    // program waits for them before it declares any resource.
    const images = log.step("images", () => buildImages(candidates, log));
    images.catch(() => undefined);
    const others = (await listRecords()).filter((record) => record.name !== spec.name);
    const hostPorts = await allocatePorts(
      spec.name,
      exposedPorts(candidates).map((port) => port.key),
      previous?.hostPorts ?? {},
      new Set(others.flatMap((record) => Object.values(record.hostPorts))),
    );
    const createdAt = previous?.createdAt ?? new Date().toISOString();
    const expiresAt = new Date(Date.parse(createdAt) + spec.ttl * 1000).toISOString();
    const base = {
      name: spec.name,
      owner: spec.owner,
      expiresAt,
      candidates,
      hostPorts,
      ...(options.readyTimeoutS ? { readyTimeoutS: options.readyTimeoutS } : {}),
    };
    // Names, hostnames and URLs do not depend on the image hashes: describe the sandbox before they are known.
    const pending = Object.fromEntries(recipesFor(candidates).map((recipe) => [recipe.folder, "pending"]));
    const plan = planDockerSandbox({ ...base, imageHashes: pending });
    const record: SandboxRecord = {
      name: spec.name,
      owner: spec.owner,
      target: "docker",
      specPath: loaded.path,
      specSha256: loaded.sha256,
      createdAt,
      expiresAt,
      updatedAt: new Date().toISOString(),
      state: "creating",
      hostPorts,
      network: plan.internalNetwork.name,
      edgeContainer: plan.edge.inputs.name,
      candidates: describeCandidates(candidates, plan),
    };
    await writeRecord(record);
    const program = async () =>
      dockerSandboxProgram({ ...base, imageHashes: await images }, DOCKER_PROVIDER_MODULE)();
    const stack = await log.step("select stack", () => selectStack(spec.name, program, log));
    return deployStack({
      stack,
      record,
      title: `deploy sandbox ${spec.name}`,
      startedMs: started,
      // An image that did not build is the cause to report, with its own fix.
      causeFirst: images,
      hint: "fix the cause above and run `sandbox up` again (it resumes), or `sandbox down` to remove what was created",
      log,
    });
  });
}
