/**
 * IT's rules as pure functions over a resource's type token and its properties (the manifest as
 * Pulumi sees it). Each returns the violations it found, as sentences naming the object and the fix.
 */

type Props = Record<string, unknown>;
interface Container {
  name?: string;
  image?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: { privileged?: boolean };
  ports?: { hostPort?: number; containerPort?: number }[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  hostNetwork?: boolean;
  volumes?: { name?: string; hostPath?: unknown }[];
}

const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (node, key) => (node && typeof node === "object" ? (node as Props)[key] : undefined),
    value,
  );

const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:core/v1:PodTemplate": ["template", "spec"],
  "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The pod spec inside any workload type, or undefined for other resources. */
export function podSpecOf(type: string, props: Props): PodSpec | undefined {
  const path = POD_SPEC_PATHS[type];
  if (!path) return undefined;
  const spec = at(props, ...path);
  return spec && typeof spec === "object" ? (spec as PodSpec) : undefined;
}

const allContainers = (pod: PodSpec) => [
  ...(pod.initContainers ?? []),
  ...(pod.containers ?? []),
  ...(pod.ephemeralContainers ?? []),
];

const objectName = (type: string, props: Props) =>
  `${type.split(":").at(-1)} "${String(at(props, "metadata", "name") ?? "?")}"`;

export function missingRequestsAndLimits(type: string, props: Props): string[] {
  const pod = podSpecOf(type, props);
  if (!pod) return [];
  return allContainers(pod).flatMap((c) => {
    const missing = [
      ...["cpu", "memory"]
        .filter((r) => c.resources?.requests?.[r] === undefined)
        .map((r) => `requests.${r}`),
      ...["cpu", "memory"].filter((r) => c.resources?.limits?.[r] === undefined).map((r) => `limits.${r}`),
    ];
    return missing.length
      ? [
          `${objectName(type, props)}: container "${c.name}" has no ${missing.join(", ")}; set resources.requests and resources.limits for cpu and memory`,
        ]
      : [];
  });
}

export function exposedServiceType(type: string, props: Props): string[] {
  if (type !== "kubernetes:core/v1:Service") return [];
  const serviceType = at(props, "spec", "type");
  return serviceType === "LoadBalancer" || serviceType === "NodePort"
    ? [`${objectName(type, props)} is of type ${serviceType}; use ClusterIP behind the ingress controller`]
    : [];
}

export function privilegedContainers(type: string, props: Props): string[] {
  const pod = podSpecOf(type, props);
  if (!pod) return [];
  return allContainers(pod)
    .filter((c) => c.securityContext?.privileged === true)
    .map(
      (c) =>
        `${objectName(type, props)}: container "${c.name}" is privileged; remove securityContext.privileged`,
    );
}

export function hostNetwork(type: string, props: Props): string[] {
  const pod = podSpecOf(type, props);
  return pod?.hostNetwork === true
    ? [`${objectName(type, props)} uses hostNetwork; remove it and use a Service`]
    : [];
}

export function hostPathVolumes(type: string, props: Props): string[] {
  const pod = podSpecOf(type, props);
  if (!pod) return [];
  return (pod.volumes ?? [])
    .filter((v) => v.hostPath !== undefined && v.hostPath !== null)
    .map((v) => `${objectName(type, props)}: volume "${v.name}" is a hostPath; use a PersistentVolumeClaim`);
}

export function hostPorts(type: string, props: Props): string[] {
  const pod = podSpecOf(type, props);
  if (!pod) return [];
  return allContainers(pod).flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0)
      .map(
        (p) =>
          `${objectName(type, props)}: container "${c.name}" binds hostPort ${p.hostPort}; remove it and use a Service`,
      ),
  );
}

/** "nginx" -> "docker.io/library/nginx", "sandbox/x:1" -> "docker.io/sandbox/x:1", "reg.io:5000/a" unchanged. */
export function normalizeImage(image: string): string {
  const first = image.split("/")[0] ?? "";
  const hasRegistry =
    image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return image;
  return image.includes("/") ? `docker.io/${image}` : `docker.io/library/${image}`;
}

export const isPinnedByDigest = (image: string) => /@sha256:[a-f0-9]{64}$/.test(image);

export function disallowedImages(type: string, props: Props, allowedRegistries: readonly string[]): string[] {
  const pod = podSpecOf(type, props);
  if (!pod) return [];
  const prefixes = allowedRegistries.map((r) => `${r.replace(/\/+$/, "")}/`);
  return allContainers(pod)
    .filter((c) => typeof c.image === "string")
    .filter((c) => {
      const image = normalizeImage(c.image as string);
      return !isPinnedByDigest(image) && !prefixes.some((prefix) => image.startsWith(prefix));
    })
    .map(
      (c) =>
        `${objectName(type, props)}: container "${c.name}" image "${c.image}" is neither from an allowed registry (${allowedRegistries.join(", ") || "none"}) nor pinned by digest; push it to an allowed registry or pin it as image@sha256:...`,
    );
}

export interface StackResource {
  readonly type: string;
  readonly props: Props;
}

export const SANDBOX_NAME_LABEL = "sandbox.name";
export const EXPIRY_LABEL = "sandbox.expires-at";
const EXPIRY_FORMAT = /^\d{8}T\d{6}Z$/;

function isDefaultDeny(props: Props): boolean {
  const selector = at(props, "spec", "podSelector") as Props | undefined;
  const types = (at(props, "spec", "policyTypes") as string[] | undefined) ?? [];
  const ingress = at(props, "spec", "ingress") as unknown[] | undefined;
  const egress = at(props, "spec", "egress") as unknown[] | undefined;
  const selectsAll =
    selector !== undefined &&
    Object.keys(selector).every((k) => {
      const v = selector[k];
      return (
        v === undefined ||
        (typeof v === "object" && v !== null && Object.keys(v).length === 0) ||
        (Array.isArray(v) && v.length === 0)
      );
    });
  return (
    selectsAll && types.includes("Ingress") && types.includes("Egress") && !ingress?.length && !egress?.length
  );
}

/** Every sandbox namespace (labelled sandbox.name) has an expiry label and a default-deny NetworkPolicy. */
export function sandboxNamespaceGuardrails(resources: readonly StackResource[]): string[] {
  const namespaces = resources.filter(
    (r) =>
      r.type === "kubernetes:core/v1:Namespace" &&
      at(r.props, "metadata", "labels", SANDBOX_NAME_LABEL) !== undefined,
  );
  return namespaces.flatMap((ns) => {
    const name = String(at(ns.props, "metadata", "name") ?? "?");
    const problems: string[] = [];
    const expiry = at(ns.props, "metadata", "labels", EXPIRY_LABEL);
    if (typeof expiry !== "string" || !EXPIRY_FORMAT.test(expiry)) {
      problems.push(
        `Namespace "${name}" has ${expiry === undefined ? "no" : `a malformed (${String(expiry)})`} ${EXPIRY_LABEL} label; set it to the expiry time as YYYYMMDDTHHMMSSZ`,
      );
    }
    const denies = resources.some(
      (r) =>
        r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
        at(r.props, "metadata", "namespace") === name &&
        isDefaultDeny(r.props),
    );
    if (!denies) {
      problems.push(
        `Namespace "${name}" has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules); add one`,
      );
    }
    return problems;
  });
}
