/**
 * The docker target's dynamic provider: the effects behind stacks/docker's resources. The stack's tiny
 * serialized shim (stacks/docker/provider.ts) imports this module by the URL `sandbox up` passes in its
 * args, inside the pulumi-resource-pulumi-nodejs process (node with tsx, so .ts modules import directly).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { DockerProviderModule } from "../../../../stacks/docker/provider.ts";
import type {
  ContainerInputs,
  ImageInputs,
  NetworkInputs,
  ResourceKind,
  VolumeInputs,
} from "../../../../stacks/docker/types.ts";
import { containerExists, createContainer, removeContainer } from "./container.ts";
import {
  createNetwork,
  createVolume,
  deleteNetwork,
  deleteVolume,
  ensureImageFor,
  networkExists,
  volumeExists,
} from "./objects.ts";

type Props = Record<string, unknown>;

interface Operations {
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  update?(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
  exists(id: string, props: Props): Promise<boolean>;
  /** input keys whose change is done in place (`update`); any other change replaces the object. */
  inPlace: readonly string[];
}

const clean = (inputs: Props): Props => {
  const { __provider: _ignored, ...rest } = inputs;
  return rest;
};

/** URL-safe characters only: no quoting trouble in env vars and connection URLs. */
export const generatePassword = (length: number) =>
  randomBytes(length).toString("base64url").slice(0, length);

const operations: Record<ResourceKind, Operations> = {
  password: {
    async create(inputs) {
      const length = Number(inputs.length);
      return { id: randomUUID(), outs: { ...clean(inputs), value: generatePassword(length) } };
    },
    delete: async () => {},
    exists: async () => true,
    inPlace: [],
  },
  network: {
    async create(inputs) {
      const { id } = await createNetwork(inputs as unknown as NetworkInputs);
      return { id: String(inputs.name), outs: { ...clean(inputs), networkId: id } };
    },
    delete: (id) => deleteNetwork(id),
    exists: (id) => networkExists(id),
    inPlace: [],
  },
  volume: {
    async create(inputs) {
      await createVolume(inputs as unknown as VolumeInputs);
      return { id: String(inputs.name), outs: clean(inputs) };
    },
    delete: (id) => deleteVolume(id),
    exists: (id) => volumeExists(id),
    inPlace: [],
  },
  image: {
    async create(inputs) {
      const outs = await ensureImageFor(inputs as unknown as ImageInputs);
      return { id: outs.tag, outs: { ...clean(inputs), ...outs } };
    },
    async update(_id, _olds, news) {
      return { outs: { ...clean(news), ...(await ensureImageFor(news as unknown as ImageInputs)) } };
    },
    // Images are shared by every sandbox and are not labelled objects of one: `down` leaves them.
    delete: async () => {},
    exists: async () => true,
    inPlace: ["kind", "name", "folder", "contextHash", "reference"],
  },
  container: {
    async create(inputs) {
      const containerId = await createContainer(inputs as unknown as ContainerInputs);
      return { id: String(inputs.name), outs: { ...clean(inputs), containerId } };
    },
    delete: (id) => removeContainer(id),
    exists: (id) => containerExists(id),
    // readiness settings do not change the running container.
    inPlace: ["readyTimeoutS", "probe"],
  },
};

/**
 * Keys each kind's provider adds to its outputs. Only these are ignored when diffing: a container's
 * `imageId` is an input (a rebuilt image replaces the container), an image's is an output.
 */
const OUTPUT_ONLY: Record<ResourceKind, readonly string[]> = {
  network: ["networkId"],
  volume: [],
  image: ["tag", "imageId"],
  container: ["containerId"],
  password: ["value"],
};

/** Input keys whose values differ (by JSON value); the kind's output-only keys of `olds` are ignored. */
export function changedKeys(kind: ResourceKind, olds: Props, news: Props): string[] {
  const keys = new Set([...Object.keys(clean(news)), ...Object.keys(clean(olds))]);
  const outputOnly = new Set(OUTPUT_ONLY[kind]);
  return [...keys].filter(
    (key) => !outputOnly.has(key) && JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
  );
}

/** What `sandbox up` passes to the docker stack: the URL the provider shim imports this module from. */
export const DOCKER_PROVIDER_MODULE = import.meta.url;

export const providerFor: DockerProviderModule["providerFor"] = (kind) => {
  const ops = operations[kind];
  return {
    create: ops.create,
    async diff(_id: string, olds: Props, news: Props) {
      const changes = changedKeys(kind, olds, news);
      const replaces = changes.filter((key) => !ops.inPlace.includes(key));
      // Names are fixed, so the old object must go before its replacement is created.
      return { changes: changes.length > 0, replaces, deleteBeforeReplace: true };
    },
    async update(id: string, olds: Props, news: Props) {
      if (ops.update) return ops.update(id, olds, news);
      return { outs: { ...olds, ...clean(news) } };
    },
    delete: ops.delete,
    async read(id: string, props: Props) {
      return (await ops.exists(id, props)) ? { id, props } : {};
    },
  };
};
