import type { V1Container, V1Pod, V1Service } from "@kubernetes/client-node";
import { MAIN_CONTAINER } from "../../../stacks/kubernetes/candidate-manifests.ts";
import { LABEL_NAME } from "../../../stacks/kubernetes/metadata.ts";
import { serviceHost } from "../engine/describe-kubernetes.ts";
import { listSandboxPods } from "../engine/kubernetes-pods.ts";
import { isPodReady, podsOfInstance } from "../engine/pod-readiness.ts";
import type { SandboxStatus } from "../engine/status.ts";
import { infrastructureError } from "../errors.ts";
import { kubernetesResourceSource, podsToSample, summaryReader } from "../loadtest/kubernetes-resources.ts";
import { type Kube, type KubeLocation, kubeAt, labelSelector } from "../runtime/kube.ts";
import { forwardPort, type OpenPortForward } from "../runtime/kube-port-forward.ts";
import { type CandidateTarget, credentialsFromEnv, type TargetLookups } from "./view.ts";

/** Every name a pod of the namespace reaches a Service by (cluster DNS search paths included). */
export function serviceHostnames(service: string, namespace: string): string[] {
  const host = serviceHost(service, namespace);
  return [service, `${service}.${namespace}`, host, `${host}.cluster.local`];
}

/** The pod's container port a Service port leads to (a named targetPort is looked up in the pod). */
export function podPortFor(
  service: V1Service,
  pod: V1Pod,
): { servicePort: number; podPort: number } | undefined {
  const port = service.spec?.ports?.[0];
  if (!port) return undefined;
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return { servicePort: port.port, podPort: target };
  const named = (pod.spec?.containers ?? [])
    .flatMap((c) => c.ports ?? [])
    .find((p) => p.name === target)?.containerPort;
  const numeric = Number(target);
  const podPort = named ?? (Number.isInteger(numeric) ? numeric : undefined);
  return podPort === undefined ? undefined : { servicePort: port.port, podPort };
}

/**
 * The app container's environment as name=value lines, values from a Secret read through `secretValue`
 * (what `credentialsFromEnv` reads the admin account from, as it does from a docker container's env).
 */
export async function envLines(
  container: V1Container | undefined,
  secretValue: (secret: string, key: string) => Promise<string | undefined>,
): Promise<string[]> {
  const lines: string[] = [];
  for (const env of container?.env ?? []) {
    const ref = env.valueFrom?.secretKeyRef;
    const value = ref ? await secretValue(ref.name ?? "", ref.key) : env.value;
    if (value !== undefined) lines.push(`${env.name}=${value}`);
  }
  return lines;
}

function secretReader(kube: Kube, namespace: string) {
  const cache = new Map<string, Promise<Record<string, string>>>();
  return async (secret: string, key: string) => {
    let data = cache.get(secret);
    if (!data) {
      data = kube.core
        .readNamespacedSecret({ name: secret, namespace })
        .then((s) => s.data ?? {})
        .catch(() => ({}));
      cache.set(secret, data);
    }
    const encoded = (await data)[key];
    return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
  };
}

interface Listed {
  readonly kube: Kube;
  readonly location: KubeLocation;
  readonly pods: readonly V1Pod[];
  readonly services: readonly V1Service[];
  readonly secretValue: (secret: string, key: string) => Promise<string | undefined>;
}

const notReachable = (what: string) =>
  infrastructureError(
    "SANDBOX_CANDIDATE_UNREACHABLE",
    what,
    "run `sandbox status` (each pod's state and why it is not ready) and `sandbox up` again",
  );

/** One LMS or media candidate: its Service's in-cluster address, a port-forward to a Ready pod, its admin account. */
async function candidateTarget(
  candidate: SandboxStatus["candidates"][number],
  listed: Listed,
  via: "loopback" | "network",
  forwards: OpenPortForward[],
): Promise<CandidateTarget | undefined> {
  const app = candidate.instances.find((i) => i.role === "app") ?? candidate.instances[0];
  if (candidate.kind === "database" || !app) return undefined;
  const { namespace } = listed.location;
  const service = listed.services.find((s) => s.metadata?.name === app.instance);
  const pod = podsOfInstance(listed.pods, app.instance).find(isPodReady);
  if (!service || !pod)
    throw notReachable(
      `candidate ${candidate.name} has ${service ? "no Ready pod" : `no Service ${app.instance}`} in namespace ${namespace}`,
    );
  const ports = podPortFor(service, pod);
  if (!ports) throw notReachable(`Service ${app.instance} of candidate ${candidate.name} has no port`);
  const internal = { host: serviceHost(app.instance, namespace), port: ports.servicePort };
  const podName = pod.metadata?.name ?? "";
  const forward = await forwardPort(listed.kube.config, { namespace, pod: podName, port: ports.podPort });
  forwards.push(forward);
  const main = pod.spec?.containers.find((c) => c.name === MAIN_CONTAINER) ?? pod.spec?.containers[0];
  const credentials =
    candidate.kind === "lms"
      ? credentialsFromEnv(candidate.catalogId, await envLines(main, listed.secretValue))
      : undefined;
  return {
    candidate: candidate.name,
    catalogId: candidate.catalogId,
    kind: candidate.kind,
    baseUrl: via === "network" ? `http://${internal.host}:${internal.port}` : forward.url,
    loopbackUrl: forward.url,
    container: `${namespace}/${podName}`,
    pod: { ...listed.location, pod: podName, container: main?.name ?? MAIN_CONTAINER },
    internal,
    ...(credentials ? { credentials } : {}),
  };
}

async function closeAll(forwards: readonly OpenPortForward[]): Promise<void> {
  await Promise.all(forwards.map((f) => f.close()));
}

/**
 * The kubernetes target's part of the view: the record's candidates, their Services and Ready pods in
 * the sandbox's namespace (labelled `sandbox.name`), one port-forward on 127.0.0.1 per candidate for
 * as long as the view is open, and the admin account from the candidate's Secret.
 */
export const kubernetesLookups: TargetLookups = {
  async read(status, via) {
    const location = status.kubernetes;
    if (!location)
      throw notReachable(`sandbox ${status.name}'s record names no cluster (it was made by an older CLI)`);
    const kube = kubeAt(location);
    const selector = labelSelector({ [LABEL_NAME]: status.name });
    const [pods, services] = await Promise.all([
      listSandboxPods(kube, location.namespace, status.name),
      kube.core.listNamespacedService({ namespace: location.namespace, labelSelector: selector }),
    ]);
    const listed: Listed = {
      kube,
      location,
      pods,
      services: services.items,
      secretValue: secretReader(kube, location.namespace),
    };
    const forwards: OpenPortForward[] = [];
    const candidates: CandidateTarget[] = [];
    try {
      for (const candidate of status.candidates) {
        const target = await candidateTarget(candidate, listed, via, forwards);
        if (target) candidates.push(target);
      }
    } catch (error) {
      await closeAll(forwards);
      throw error;
    }
    const hostnames = services.items.flatMap((s) =>
      serviceHostnames(s.metadata?.name ?? "", location.namespace),
    );
    return {
      owned: { sandbox: status.name, loopbackPorts: forwards.map((f) => f.port), hostnames },
      candidates,
      resources: kubernetesResourceSource(summaryReader(kube.config), podsToSample(pods, status)),
      close: () => closeAll(forwards),
    };
  },
};
