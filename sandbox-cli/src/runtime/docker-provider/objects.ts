import {
  type ImageInputs,
  type ImageOutputs,
  LABELS,
  type NetworkInputs,
  type VolumeInputs,
} from "../../../../stacks/docker/types.ts";
import { silentLogger } from "../../util/log.ts";
import { docker } from "../docker.ts";
import { CONTEXT_LABEL, ensureImage } from "../images.ts";

const statusOf = (error: unknown) => (error as { statusCode?: number })?.statusCode;

/** The object's inspect result, or undefined when the engine has none by that name. */
export const inspected = <T>(object: { inspect(): Promise<T> }): Promise<T | undefined> =>
  object.inspect().catch(() => undefined);

/** Runs a docker call that may find nothing to act on (404) and treats that as done. */
export async function ignoreMissing(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

/** An object left by an interrupted run of the same sandbox may be adopted; anyone else's may not. */
export function assertOurs(
  kind: string,
  name: string,
  labels: Record<string, string> | undefined | null,
  sandbox: string | undefined,
) {
  if (labels?.[LABELS.name] !== sandbox) {
    throw new Error(
      `a docker ${kind} named ${name} already exists and does not belong to sandbox ${sandbox}: remove or rename it (docker ${kind} rm ${name})`,
    );
  }
}

export async function createNetwork(inputs: NetworkInputs): Promise<{ id: string }> {
  const existing = await inspected(docker().getNetwork(inputs.name));
  if (existing) {
    assertOurs("network", inputs.name, existing.Labels, inputs.labels[LABELS.name]);
    if (existing.Internal === inputs.internal) return { id: existing.Id };
    await docker().getNetwork(existing.Id).remove();
  }
  const network = await docker().createNetwork({
    Name: inputs.name,
    Driver: "bridge",
    Internal: inputs.internal,
    CheckDuplicate: true,
    Labels: { ...inputs.labels },
  });
  return { id: network.id };
}

export async function deleteNetwork(name: string): Promise<void> {
  const network = docker().getNetwork(name);
  const info = await inspected(network);
  if (!info) return;
  // Containers left by an interrupted run would keep the network busy.
  for (const id of Object.keys(info.Containers ?? {}))
    await ignoreMissing(() => docker().getContainer(id).remove({ force: true, v: true }));
  await ignoreMissing(() => network.remove());
}

export async function networkExists(name: string): Promise<boolean> {
  return Boolean(await inspected(docker().getNetwork(name)));
}

export async function createVolume(inputs: VolumeInputs): Promise<void> {
  const existing = await inspected(docker().getVolume(inputs.name));
  if (existing) {
    assertOurs("volume", inputs.name, existing.Labels, inputs.labels[LABELS.name]);
    return;
  }
  await docker().createVolume({ Name: inputs.name, Labels: { ...inputs.labels } });
}

export async function deleteVolume(name: string): Promise<void> {
  await ignoreMissing(() => docker().getVolume(name).remove({ force: true }));
}

export async function volumeExists(name: string): Promise<boolean> {
  return Boolean(await inspected(docker().getVolume(name)));
}

/** Builds a recipe image (a no-op when the engine already built this context hash) or checks a reference is present. */
export async function ensureImageFor(inputs: ImageInputs): Promise<ImageOutputs> {
  if (inputs.kind === "recipe") {
    // The engine builds images before deploying; then this is only a lookup by the context-hash tag.
    const tag = `${inputs.name}:${inputs.contextHash.slice(0, 12)}`;
    const ready = await inspected(docker().getImage(tag));
    if (ready?.Config?.Labels?.[CONTEXT_LABEL] === inputs.contextHash) return { tag, imageId: ready.Id };
    const built = await ensureImage({ name: inputs.name, folder: inputs.folder }, silentLogger);
    if (built.contextHash !== inputs.contextHash) {
      throw new Error(
        `images/${inputs.folder} changed while the sandbox was being deployed; run \`sandbox up\` again`,
      );
    }
    return { tag: built.tag, imageId: built.id };
  }
  const info = await inspected(docker().getImage(inputs.reference));
  if (!info) {
    throw new Error(
      `image ${inputs.reference} is not in the local Docker Engine and no registry is reachable: load it first (docker load -i FILE.tar)`,
    );
  }
  return { tag: inputs.reference, imageId: info.Id };
}
