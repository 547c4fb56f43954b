import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { kubernetesImage } from "../catalog/images.ts";
import type { PlannedCandidate, PlannedInstance } from "../catalog/plan.ts";
import type { CatalogHealth } from "../catalog/schema.ts";
import { containerEnv } from "./candidate-env.ts";
import { objectMeta, type SandboxIdentity } from "./metadata.ts";
import { containerResources, restrictedContainerSecurity, restrictedPodSettings } from "./pod-security.ts";

export interface CandidateSettings {
  readonly identity: SandboxIdentity;
  readonly namespace: string;
  readonly ingressDomain: string;
  /** HOST[:PORT][/PREFIX] the project's images are pulled from. */
  readonly registry: string;
  readonly ingressClassName: string | undefined;
  readonly storageClassName: string | undefined;
  readonly volumeSize: string;
  /** path Prometheus scrapes on the first http port. */
  readonly metricsPath: string;
  /**
   * true: Pulumi does not wait for workloads, Services and Ingresses to be ready (`pulumi.com/skipAwait`);
   * the caller waits on the pods itself (the CLI's `up` does, with its own timeout and pod-level reasons).
   */
  readonly skipAwait?: boolean;
}

const SKIP_AWAIT = { "pulumi.com/skipAwait": "true" } as const;
/** the annotations a workload, Service or Ingress gets beside the sandbox's own. */
const awaitAnnotations = (s: CandidateSettings) => (s.skipAwait ? SKIP_AWAIT : {});

/** One pod: an instance plus the workers that share its volumes (sidecars, since volumes are ReadWriteOnce). */
export interface PodGroup {
  readonly candidate: PlannedCandidate;
  readonly main: PlannedInstance;
  readonly workers: readonly PlannedInstance[];
}

export type Workload = IDeployment | IStatefulSet;

/** Dependencies get a pod each; the app gets one pod with its workers beside it. */
export function podGroups(candidate: PlannedCandidate): PodGroup[] {
  const isWorker = (i: PlannedInstance) => i.role !== "app" && i.dependsOn.includes(candidate.name);
  const app = candidate.instances.find((i) => i.role === "app");
  const deps = candidate.instances.filter((i) => i.role !== "app" && !isWorker(i));
  return [
    ...deps.map((main) => ({ candidate, main, workers: [] })),
    ...(app ? [{ candidate, main: app, workers: candidate.instances.filter(isWorker) }] : []),
  ];
}

export const ingressHost = (s: CandidateSettings, candidateName: string) =>
  `${candidateName}.${s.identity.name}.${s.ingressDomain}`;
/** The container a candidate's app (or dependency) runs as in its pod; workers are named by their role. */
export const MAIN_CONTAINER = "main";
export const secretName = (candidate: PlannedCandidate) => `${candidate.name}-secrets`;
export const usesStatefulSet = (group: PodGroup) => group.main.kind === "database";
const selectorOf = (s: CandidateSettings, group: PodGroup) => ({
  "sandbox.name": s.identity.name,
  "app.kubernetes.io/instance": group.main.name,
});
const appLabels = (s: CandidateSettings, group: PodGroup) => ({
  ...selectorOf(s, group),
  "app.kubernetes.io/name": group.main.catalogId,
  "app.kubernetes.io/component": group.main.kind,
  "app.kubernetes.io/part-of": group.candidate.name,
});

function probe(health: CatalogHealth, initialDelaySeconds: number, periodSeconds: number): IProbe {
  const action =
    health.kind === "http"
      ? { httpGet: { path: health.path, port: health.port } }
      : { tcpSocket: { port: health.port } };
  return { ...action, initialDelaySeconds, periodSeconds, timeoutSeconds: 5, failureThreshold: 6 };
}

function container(
  s: CandidateSettings,
  group: PodGroup,
  instance: PlannedInstance,
  name: string,
  commandOverridesEntrypoint: boolean,
): IContainer {
  const command = instance.command ? [...instance.command] : undefined;
  return {
    name,
    image: kubernetesImage(instance.image, s.registry),
    ...(command ? (commandOverridesEntrypoint ? { command } : { args: command }) : {}),
    ports: instance.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })),
    env: containerEnv(instance, group.candidate, {
      secretName: secretName(group.candidate),
      selfHost: ingressHost(s, group.candidate.name),
    }),
    resources: containerResources(instance.resources.cpu, instance.resources.memoryMb),
    ...(instance.health
      ? { readinessProbe: probe(instance.health, 5, 10), livenessProbe: probe(instance.health, 60, 20) }
      : {}),
    volumeMounts: instance.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
    securityContext: restrictedContainerSecurity,
  };
}

function podTemplate(s: CandidateSettings, group: PodGroup, withVolumes: boolean): IPodTemplateSpec {
  const metricsPort = group.main.ports.find((p) => p.protocol === "http") ?? group.main.ports[0];
  return {
    metadata: {
      labels: { ...objectMeta(s.identity, group.main.name, undefined).labels, ...appLabels(s, group) },
      annotations: {
        ...objectMeta(s.identity, group.main.name, undefined).annotations,
        ...(metricsPort
          ? {
              "prometheus.io/scrape": "true",
              "prometheus.io/port": String(metricsPort.port),
              "prometheus.io/path": s.metricsPath,
            }
          : {}),
      },
    },
    spec: {
      ...restrictedPodSettings(group.main.name),
      containers: [
        container(s, group, group.main, MAIN_CONTAINER, false),
        ...group.workers.map((worker) => container(s, group, worker, worker.role, true)),
      ],
      ...(withVolumes
        ? {
            volumes: group.main.volumes.map((v) => ({
              name: v.name,
              persistentVolumeClaim: { claimName: v.name },
            })),
          }
        : {}),
    },
  };
}

function claimSpec(s: CandidateSettings): NonNullable<IPersistentVolumeClaim["spec"]> {
  return {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: s.volumeSize } },
    ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}),
  };
}

/** Databases run as a StatefulSet with a claim template; LMS and media servers as a Deployment with PVCs. */
export function workloadManifest(s: CandidateSettings, group: PodGroup): Workload {
  const meta = objectMeta(s.identity, group.main.name, s.namespace, {
    labels: appLabels(s, group),
    annotations: awaitAnnotations(s),
  });
  const selector = { matchLabels: selectorOf(s, group) };
  if (usesStatefulSet(group)) {
    return {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta,
      spec: {
        serviceName: group.main.name,
        replicas: 1,
        selector,
        template: podTemplate(s, group, false),
        volumeClaimTemplates: group.main.volumes.map((v) => ({
          metadata: { name: v.name, labels: meta.labels, annotations: meta.annotations },
          spec: claimSpec(s),
        })),
      },
    };
  }
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta,
    spec: {
      replicas: 1,
      selector,
      // ReadWriteOnce volumes cannot be shared by an old and a new pod during a rolling update.
      strategy: { type: group.main.volumes.length > 0 ? "Recreate" : "RollingUpdate" },
      template: podTemplate(s, group, true),
    },
  };
}

export function volumeClaimManifests(s: CandidateSettings, group: PodGroup): IPersistentVolumeClaim[] {
  if (usesStatefulSet(group)) return [];
  return group.main.volumes.map((v) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: objectMeta(s.identity, v.name, s.namespace, {
      labels: appLabels(s, group),
      annotations: { "sandbox.purpose": v.purpose },
    }),
    spec: claimSpec(s),
  }));
}

export function serviceManifest(s: CandidateSettings, group: PodGroup): IService | undefined {
  if (group.main.ports.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: objectMeta(s.identity, group.main.name, s.namespace, {
      labels: appLabels(s, group),
      annotations: awaitAnnotations(s),
    }),
    spec: {
      type: "ClusterIP",
      selector: selectorOf(s, group),
      ports: group.main.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.name,
        protocol: "TCP",
      })),
    },
  };
}

export function serviceAccountManifest(s: CandidateSettings, group: PodGroup): IServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: objectMeta(s.identity, group.main.name, s.namespace, { labels: appLabels(s, group) }),
    automountServiceAccountToken: false,
  };
}

/** The candidate's user-facing http ports, by host, through the cluster's ingress controller. */
export function ingressManifest(s: CandidateSettings, group: PodGroup): IIngress | undefined {
  if (group.main.role !== "app") return undefined;
  const exposed = group.main.ports.filter((p) => p.expose && p.protocol === "http");
  const first = exposed[0];
  if (!first) return undefined;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: objectMeta(s.identity, group.main.name, s.namespace, {
      labels: appLabels(s, group),
      annotations: awaitAnnotations(s),
    }),
    spec: {
      ...(s.ingressClassName ? { ingressClassName: s.ingressClassName } : {}),
      rules: [
        {
          host: ingressHost(s, group.candidate.name),
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: group.main.name, port: { name: first.name } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** The candidate's generated values; `values` are Pulumi secrets in the stack and plain text in tests. */
export function secretManifest<V>(
  s: CandidateSettings,
  candidate: PlannedCandidate,
  values: Readonly<Record<string, V>>,
): Omit<ISecret, "stringData"> & { stringData: Record<string, V> } {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: objectMeta(s.identity, secretName(candidate), s.namespace, {
      labels: { "app.kubernetes.io/part-of": candidate.name },
    }),
    type: "Opaque",
    stringData: { ...values },
  };
}
