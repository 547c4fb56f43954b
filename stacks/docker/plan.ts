import { exposedPorts, type PlannedCandidate, type TemplateContext } from "../catalog/index.ts";
import { EDGE_HEALTH_PORT, edgeNginxConf } from "./edge-conf.ts";
import {
  type ContainerInputs,
  type ImageInputs,
  LABELS,
  type NetworkInputs,
  type VolumeInputs,
} from "./types.ts";

/** Everything the docker program needs, as plain data (the engine fills it from the spec and stack config). */
export interface DockerSandboxInput {
  readonly name: string;
  readonly owner: string;
  /** ISO timestamp; fixed at the first `up` so labels (and so containers) do not change on re-runs. */
  readonly expiresAt: string;
  readonly candidates: readonly PlannedCandidate[];
  /** host port on 127.0.0.1 per exposed port key `<candidate>/<port name>`. */
  readonly hostPorts: Readonly<Record<string, number>>;
  /** context hash per recipe folder, computed by building the images first. */
  readonly imageHashes: Readonly<Record<string, string>>;
  readonly readyTimeoutS?: number;
}

export interface PlannedContainer {
  readonly candidate: string;
  readonly instance: string;
  readonly role: string;
  readonly imageKey: string;
  /** everything but the image id and env, which the component resolves from outputs. */
  readonly inputs: Omit<ContainerInputs, "imageId" | "env">;
  readonly envTemplate: Readonly<Record<string, string>>;
  readonly templateContext: Omit<TemplateContext, "secrets">;
  readonly dependsOn: readonly string[];
}

export interface Endpoint {
  readonly candidate: string;
  readonly instance: string;
  readonly port: string;
  readonly hostPort: number;
  readonly url: string;
}

export interface DockerObjectsPlan {
  readonly labels: Readonly<Record<string, string>>;
  readonly internalNetwork: NetworkInputs;
  readonly edgeNetwork: NetworkInputs;
  readonly volumes: readonly VolumeInputs[];
  readonly images: Readonly<Record<string, ImageInputs>>;
  readonly containers: readonly PlannedContainer[];
  readonly edge: PlannedContainer;
  readonly endpoints: readonly Endpoint[];
}

export const EDGE_IMAGE = { name: "sandbox/media-nginx", folder: "media-nginx" } as const;
export const objectName = (sandbox: string, part: string) => `sandbox-${sandbox}-${part}`;

export function sandboxLabels(
  input: Pick<DockerSandboxInput, "name" | "owner" | "expiresAt">,
): Record<string, string> {
  return {
    [LABELS.name]: input.name,
    [LABELS.owner]: input.owner,
    [LABELS.expiresAt]: input.expiresAt,
    [LABELS.managed]: "true",
  };
}

function imageKeyOf(image: PlannedCandidate["instances"][number]["image"]): string {
  return "recipe" in image.docker ? image.docker.recipe.folder : image.docker.reference;
}

function imageInputs(
  image: PlannedCandidate["instances"][number]["image"],
  hashes: DockerSandboxInput["imageHashes"],
): ImageInputs {
  if ("reference" in image.docker) return { kind: "reference", reference: image.docker.reference };
  const { name, folder } = image.docker.recipe;
  const contextHash = hashes[folder];
  if (!contextHash) throw new Error(`no context hash for images/${folder}: build the images before planning`);
  return { kind: "recipe", name, folder, contextHash };
}

/** Pure: the networks, volumes, images and containers of one sandbox, in creation order. */
export function planDockerSandbox(input: DockerSandboxInput): DockerObjectsPlan {
  const labels = sandboxLabels(input);
  const internalName = objectName(input.name, "internal");
  const edgeName = objectName(input.name, "edge");
  const readyTimeoutS = input.readyTimeoutS ?? 180;
  const endpoints: Endpoint[] = exposedPorts(input.candidates).map((exposed) => {
    const hostPort = input.hostPorts[exposed.key];
    if (!hostPort) throw new Error(`no host port allocated for ${exposed.key}`);
    return {
      candidate: exposed.candidate,
      instance: exposed.instance,
      port: exposed.port.name,
      hostPort,
      url: `http://127.0.0.1:${hostPort}`,
    };
  });
  const images: Record<string, ImageInputs> = {
    [EDGE_IMAGE.folder]: imageInputs({ docker: { recipe: EDGE_IMAGE }, kubernetes: "" }, input.imageHashes),
  };
  const volumes: VolumeInputs[] = [];
  const containers: PlannedContainer[] = [];
  for (const candidate of input.candidates) {
    for (const instance of candidate.instances) {
      images[imageKeyOf(instance.image)] = imageInputs(instance.image, input.imageHashes);
      const instanceLabels = {
        ...labels,
        [LABELS.candidate]: candidate.name,
        [LABELS.instance]: instance.name,
        [LABELS.role]: instance.role,
      };
      for (const volume of instance.volumes) {
        const name = objectName(input.name, volume.name);
        if (!volumes.some((existing) => existing.name === name))
          volumes.push({ name, labels: instanceLabels });
      }
      const self = endpoints.find((endpoint) => endpoint.instance === candidate.name);
      const deps = Object.fromEntries(
        Object.entries(instance.depInstances).map(([role, depName]) => {
          const dep = candidate.instances.find((other) => other.name === depName);
          return [role, { host: depName, port: dep?.ports[0]?.port ?? 0 }];
        }),
      );
      containers.push({
        candidate: candidate.name,
        instance: instance.name,
        role: instance.role,
        imageKey: imageKeyOf(instance.image),
        inputs: {
          name: objectName(input.name, instance.name),
          command: instance.command,
          labels: instanceLabels,
          networks: [{ name: internalName, aliases: [instance.name] }],
          ports: [],
          mounts: instance.volumes.map((volume) => ({
            volume: objectName(input.name, volume.name),
            target: volume.mountPath,
          })),
          memoryMb: instance.resources.memoryMb,
          cpu: instance.resources.cpu,
          probe: instance.health,
          readyTimeoutS,
        },
        envTemplate: instance.env,
        templateContext: {
          deps,
          self: self
            ? { host: `127.0.0.1:${self.hostPort}`, url: self.url }
            : { host: instance.name, url: `http://${instance.name}` },
        },
        dependsOn: instance.dependsOn.map((name) => objectName(input.name, name)),
      });
    }
  }
  const edge: PlannedContainer = {
    candidate: "edge",
    instance: "edge",
    role: "edge",
    imageKey: EDGE_IMAGE.folder,
    inputs: {
      name: objectName(input.name, "edge"),
      labels: { ...labels, [LABELS.instance]: "edge", [LABELS.role]: "edge" },
      // The edge network first: published ports only work through a non-internal network.
      networks: [
        { name: edgeName, aliases: ["edge"] },
        { name: internalName, aliases: ["edge"] },
      ],
      ports: endpoints.map((endpoint) => ({ hostPort: endpoint.hostPort, containerPort: endpoint.hostPort })),
      mounts: [],
      memoryMb: 128,
      cpu: 0.5,
      probe: { kind: "http", path: "/healthz", port: EDGE_HEALTH_PORT, expectStatus: 200 },
      readyTimeoutS,
    },
    envTemplate: { NGINX_CONF: edgeNginxConf(endpoints, input.candidates) },
    templateContext: { deps: {}, self: { host: "edge", url: "http://edge" } },
    dependsOn: containers
      .filter((container) => container.role === "app")
      .map((container) => container.inputs.name),
  };
  return {
    labels,
    internalNetwork: { name: internalName, internal: true, labels },
    edgeNetwork: { name: edgeName, internal: false, labels },
    volumes,
    images,
    containers,
    edge,
    endpoints,
  };
}
