import { LABELS } from "../../../stacks/docker/types.ts";
import { docker } from "../runtime/docker.ts";

export interface SweepResult {
  containers: string[];
  networks: string[];
  volumes: string[];
}

const labelFilter = (sandbox: string) => ({ label: [`${LABELS.name}=${sandbox}`] });
const ignoreMissing = async (work: () => Promise<unknown>) => {
  try {
    await work();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
};

/** Every docker object (container, network, volume) carrying the sandbox's name label. */
export async function labelledObjects(sandbox: string): Promise<SweepResult> {
  const filters = labelFilter(sandbox);
  const [containers, networks, volumes] = await Promise.all([
    docker().listContainers({ all: true, filters }),
    docker().listNetworks({ filters }),
    docker().listVolumes({ filters }),
  ]);
  return {
    containers: containers.map((container) => (container.Names[0] ?? container.Id).replace(/^\//, "")),
    networks: networks.map((network) => network.Name),
    volumes: (volumes.Volumes ?? []).map((volume) => volume.Name),
  };
}

/** Removes every object carrying the sandbox's name label: containers first, then networks and volumes. */
export async function sweepLabelled(sandbox: string): Promise<SweepResult> {
  const found = await labelledObjects(sandbox);
  for (const name of found.containers)
    await ignoreMissing(() => docker().getContainer(name).remove({ force: true, v: true }));
  for (const name of found.networks) await ignoreMissing(() => docker().getNetwork(name).remove());
  for (const name of found.volumes)
    await ignoreMissing(() => docker().getVolume(name).remove({ force: true }));
  return found;
}

/** Sandbox names found on docker objects whose expires-at label is in the past (for `gc` of unrecorded leftovers). */
export async function expiredLabelledSandboxes(now: Date): Promise<string[]> {
  const filters = { label: [LABELS.name, LABELS.expiresAt] };
  const [containers, networks, volumes] = await Promise.all([
    docker().listContainers({ all: true, filters }),
    docker().listNetworks({ filters }),
    docker().listVolumes({ filters }),
  ]);
  const labels = [
    ...containers.map((container) => container.Labels),
    ...networks.map((network) => network.Labels ?? {}),
    ...(volumes.Volumes ?? []).map((volume) => volume.Labels ?? {}),
  ];
  const names = new Set<string>();
  for (const set of labels) {
    const expires = Date.parse(set[LABELS.expiresAt] ?? "");
    const name = set[LABELS.name];
    if (name && Number.isFinite(expires) && expires < now.getTime()) names.add(name);
  }
  return [...names].sort();
}
