import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_IMAGE_REGISTRY } from "../catalog/images.ts";
import type { PlannedCandidate } from "../catalog/plan.ts";
import { placeholdersIn } from "../catalog/template.ts";
import {
  type CandidateSettings,
  ingressManifest,
  type PodGroup,
  podGroups,
  secretManifest,
  serviceAccountManifest,
  serviceManifest,
  volumeClaimManifests,
  workloadManifest,
} from "./candidate-manifests.ts";
import type { SandboxIdentity } from "./metadata.ts";
import { asArgs, dnsLabelProblem, dnsNameProblem, throwIfProblems } from "./validate.ts";

export interface CandidateArgs {
  readonly identity: SandboxIdentity;
  readonly namespace: string;
  /** the candidate as planned from the catalog (stacks/catalog planCandidates). */
  readonly candidate: PlannedCandidate;
  /** the candidate's generated values by secret name (catalog `secrets`); Pulumi secrets. */
  readonly secretValues: Readonly<Record<string, pulumi.Input<string>>>;
  /** default "sandbox.local": hosts are <candidate>.<sandbox>.<ingressDomain>. */
  readonly ingressDomain?: string;
  /** default DEFAULT_IMAGE_REGISTRY: where the project's images are pulled from. */
  readonly registry?: string;
  /** default: the cluster's default IngressClass. */
  readonly ingressClassName?: string;
  /** default: the cluster's default StorageClass. */
  readonly storageClassName?: string;
  /** default "5Gi" per volume. */
  readonly volumeSize?: string;
  /** default "/metrics". */
  readonly metricsPath?: string;
  /** default false: Pulumi waits for the workload, Service and Ingress (see CandidateSettings.skipAwait). */
  readonly skipAwait?: boolean;
  readonly provider?: k8s.Provider;
  /** what every child waits for, e.g. the SandboxNamespace (a component's own dependsOn does not reach its children). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

export function candidateSettings(args: CandidateArgs): CandidateSettings {
  return {
    identity: args.identity,
    namespace: args.namespace,
    ingressDomain: args.ingressDomain ?? "sandbox.local",
    registry: args.registry ?? DEFAULT_IMAGE_REGISTRY,
    ingressClassName: args.ingressClassName,
    storageClassName: args.storageClassName,
    volumeSize: args.volumeSize ?? "5Gi",
    metricsPath: args.metricsPath ?? "/metrics",
    skipAwait: args.skipAwait ?? false,
  };
}

export function candidateProblems(
  s: CandidateSettings,
  candidate: PlannedCandidate,
  secretNames: readonly string[],
): string[] {
  const problems = [
    ...dnsNameProblem("ingressDomain", s.ingressDomain),
    ...dnsLabelProblem("candidate name", candidate.name),
  ];
  if (!/^\d+(\.\d+)?(Mi|Gi|Ti)$/.test(s.volumeSize))
    problems.push(`volumeSize "${s.volumeSize}" must be a quantity such as 5Gi`);
  const declared = new Set(candidate.secrets.map((secret) => secret.name));
  for (const name of declared) {
    if (!secretNames.includes(name))
      problems.push(`secretValues has no value for "${name}" (candidate ${candidate.name})`);
  }
  for (const instance of candidate.instances) {
    for (const port of instance.ports) {
      if (port.name.length > 15)
        problems.push(`${instance.name}: port name "${port.name}" is longer than 15 characters`);
    }
    for (const [key, value] of Object.entries(instance.env)) {
      for (const ref of placeholdersIn(value)) {
        if (ref.startsWith("secret:") && !declared.has(ref.slice(7))) {
          problems.push(
            `${instance.name}: env ${key} uses secret "${ref.slice(7)}", which ${candidate.name} does not declare`,
          );
        }
      }
    }
  }
  return problems;
}

/** Service account, volumes, workload, service and ingress of one pod group, created under `parent`. */
function createPodGroup(
  parent: pulumi.Resource,
  s: CandidateSettings,
  group: PodGroup,
  provider: k8s.Provider | undefined,
  after: readonly pulumi.Resource[],
) {
  const opts = { parent, ...(provider ? { provider } : {}) };
  const first = { ...opts, dependsOn: [...after] };
  const name = group.main.name;
  const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, serviceAccountManifest(s, group), first);
  const claims = volumeClaimManifests(s, group).map(
    (claim) =>
      new k8s.core.v1.PersistentVolumeClaim(
        `${claim.metadata?.name}-pvc`,
        asArgs<k8s.core.v1.PersistentVolumeClaimArgs>(claim),
        first,
      ),
  );
  const manifest = workloadManifest(s, group);
  const workloadOpts = { ...opts, dependsOn: [...after, account, ...claims] };
  const workload =
    manifest.kind === "StatefulSet"
      ? new k8s.apps.v1.StatefulSet(name, asArgs<k8s.apps.v1.StatefulSetArgs>(manifest), workloadOpts)
      : new k8s.apps.v1.Deployment(name, asArgs<k8s.apps.v1.DeploymentArgs>(manifest), workloadOpts);
  const serviceSpec = serviceManifest(s, group);
  const service = serviceSpec
    ? new k8s.core.v1.Service(`${name}-svc`, asArgs<k8s.core.v1.ServiceArgs>(serviceSpec), first)
    : undefined;
  const ingressSpec = ingressManifest(s, group);
  const ingress = ingressSpec
    ? new k8s.networking.v1.Ingress(`${name}-ingress`, asArgs<k8s.networking.v1.IngressArgs>(ingressSpec), {
        ...opts,
        dependsOn: service ? [...after, service] : [...after],
      })
    : undefined;
  return { workload, service, ingress };
}

export interface DatabaseServerArgs {
  readonly settings: CandidateSettings;
  /** the dependency's pod group (a `database` instance of a candidate). */
  readonly group: PodGroup;
  readonly provider?: k8s.Provider;
  /** what every child waits for (the namespace and the candidate's Secret). */
  readonly dependsOn?: readonly pulumi.Resource[];
}

/** A candidate's database: a StatefulSet with its volume claim template, service account and Service. */
export class DatabaseServer extends pulumi.ComponentResource {
  readonly serviceName: string;

  constructor(name: string, args: DatabaseServerArgs, opts?: pulumi.ComponentResourceOptions) {
    throwIfProblems(
      "DatabaseServer",
      args.group.main.ports.length === 0 ? [`${args.group.main.name} declares no port`] : [],
    );
    super("sandbox:kubernetes:DatabaseServer", name, {}, opts);
    createPodGroup(this, args.settings, args.group, args.provider, args.dependsOn ?? []);
    this.serviceName = args.group.main.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}

/** Shared body of the LMS and media candidates: secret, dependencies, then the candidate's own pod. */
abstract class CandidateComponent extends pulumi.ComponentResource {
  readonly host: string | undefined;
  readonly serviceName: string;

  protected constructor(
    type: string,
    name: string,
    args: CandidateArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    const s = candidateSettings(args);
    throwIfProblems(
      type.split(":")[2] ?? type,
      candidateProblems(s, args.candidate, Object.keys(args.secretValues)),
    );
    super(type, name, {}, opts);
    const provider = args.provider;
    const after = args.dependsOn ?? [];
    const base = { parent: this, ...(provider ? { provider } : {}), dependsOn: [...after] };
    const groups = podGroups(args.candidate);
    const secret =
      args.candidate.secrets.length > 0
        ? new k8s.core.v1.Secret(
            `${args.candidate.name}-secrets`,
            secretManifest(s, args.candidate, args.secretValues),
            base,
          )
        : undefined;
    for (const group of groups.filter((g) => g.main.role !== "app")) {
      const dependsOn = secret ? [...after, secret] : after;
      const dbArgs = { settings: s, group, dependsOn, ...(provider ? { provider } : {}) };
      new DatabaseServer(group.main.name, dbArgs, { parent: this });
    }
    const app = groups.find((group) => group.main.role === "app");
    if (!app) throw new Error(`${args.candidate.name}: the plan has no app instance`);
    const created = createPodGroup(this, s, app, provider, secret ? [...after, secret] : after);
    this.serviceName = app.main.name;
    this.host = created.ingress ? (ingressManifest(s, app)?.spec?.rules?.[0]?.host ?? undefined) : undefined;
    this.registerOutputs({ serviceName: this.serviceName, host: this.host });
  }
}

/** An LMS candidate (reference LMS, Moodle...) with its database and workers. */
export class LmsCandidate extends CandidateComponent {
  constructor(name: string, args: CandidateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sandbox:kubernetes:LmsCandidate", name, args, opts);
  }
}

/** A media server candidate (HLS over nginx). */
export class MediaServer extends CandidateComponent {
  constructor(name: string, args: CandidateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sandbox:kubernetes:MediaServer", name, args, opts);
  }
}
