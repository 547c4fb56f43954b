import { randomBytes } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type CandidateRequest, CatalogLookupError, planCandidates } from "../catalog/plan.ts";
import {
  type CandidateArgs,
  candidateProblems,
  candidateSettings,
  LmsCandidate,
  MediaServer,
} from "./candidate.ts";
import type { SandboxIdentity } from "./metadata.ts";
import {
  namespaceProblems,
  namespaceSettings,
  SandboxNamespace,
  type SandboxNamespaceArgs,
} from "./namespace.ts";
import { throwIfProblems } from "./validate.ts";

/** A kubernetes target's settings, defaults applied (the CLI's spec schema applies them). */
export interface KubernetesTarget {
  readonly kind: "kubernetes";
  readonly namespace?: string | undefined;
  readonly ingressDomain: string;
  readonly ingressClassName?: string | undefined;
  readonly ingressControllerNamespace: string;
  readonly monitoringNamespace: string;
  readonly itViewerGroup: string;
  readonly storageClassName?: string | undefined;
  readonly registry: string;
}

/**
 * The part of a sandbox spec this stack reads, as plain data: the CLI's validated SandboxSpec is one
 * (it is passed as is), and the stack needs no CLI module to be read or tested.
 */
export interface KubernetesSandboxSpec {
  readonly name: string;
  readonly owner: string;
  /** seconds the sandbox lives. */
  readonly ttl: number;
  readonly target: KubernetesTarget | { readonly kind: "docker" };
  readonly candidates: readonly CandidateRequest[];
}

export interface KubernetesSandboxArgs {
  /** a validated spec whose target is kubernetes. */
  readonly spec: KubernetesSandboxSpec;
  /** when the sandbox was created; expires-at is this plus spec.ttl. */
  readonly createdAt: Date;
  /**
   * generated values by candidate, then secret name (the engine's SecretValues shape); a missing one is
   * generated here. The program exports them as its `secrets` output and `sandbox up` passes them back.
   */
  readonly secretValues?: Readonly<Record<string, Readonly<Record<string, pulumi.Input<string>>>>>;
  /** the cluster; the ambient kubeconfig and current context when left out. */
  readonly provider?: k8s.Provider;
  /** default false: Pulumi waits for the candidates to be ready; true: the caller waits on the pods. */
  readonly skipAwait?: boolean;
}

export interface CandidateEndpoint {
  readonly name: string;
  readonly kind: string;
  readonly serviceName: string;
  readonly host: string | undefined;
}

export function sandboxIdentity(spec: KubernetesSandboxSpec, createdAt: Date): SandboxIdentity {
  return {
    name: spec.name,
    owner: spec.owner,
    expiresAt: new Date(createdAt.getTime() + spec.ttl * 1000).toISOString(),
  };
}

const generated = (length: number) =>
  pulumi.secret(randomBytes(length).toString("base64url").slice(0, length));

/** Everything the sandbox will create, decided and checked before any resource exists. */
export function planKubernetesSandbox(args: KubernetesSandboxArgs): {
  namespace: SandboxNamespaceArgs;
  candidates: CandidateArgs[];
  problems: string[];
} {
  const target = args.spec.target;
  if (target.kind !== "kubernetes") {
    return {
      namespace: { identity: sandboxIdentity(args.spec, args.createdAt) },
      candidates: [],
      problems: [`spec.target.kind is "${target.kind}", not kubernetes`],
    };
  }
  const identity = sandboxIdentity(args.spec, args.createdAt);
  const provider = args.provider ? { provider: args.provider } : {};
  const namespace: SandboxNamespaceArgs = {
    identity,
    ...(target.namespace ? { namespace: target.namespace } : {}),
    ingressControllerNamespace: target.ingressControllerNamespace,
    monitoringNamespace: target.monitoringNamespace,
    itViewerGroup: target.itViewerGroup,
    ...provider,
  };
  const nsSettings = namespaceSettings(namespace);
  let plan: ReturnType<typeof planCandidates>;
  try {
    plan = planCandidates(args.spec.candidates);
  } catch (error) {
    if (error instanceof CatalogLookupError) return { namespace, candidates: [], problems: [error.message] };
    throw error;
  }
  const candidates: CandidateArgs[] = plan.map((candidate) => ({
    identity,
    namespace: nsSettings.namespace,
    candidate,
    secretValues: Object.fromEntries(
      candidate.secrets.map((secret) => [
        secret.name,
        args.secretValues?.[candidate.name]?.[secret.name] ?? generated(secret.length),
      ]),
    ),
    ingressDomain: target.ingressDomain,
    registry: target.registry,
    ...(args.skipAwait ? { skipAwait: true } : {}),
    ...(target.ingressClassName ? { ingressClassName: target.ingressClassName } : {}),
    ...(target.storageClassName ? { storageClassName: target.storageClassName } : {}),
    ...provider,
  }));
  const problems = [
    ...namespaceProblems(nsSettings),
    ...plan
      .filter((c) => c.kind === "database")
      .map((c) => `candidate ${c.name} is a database: list it as a dependency of an LMS`),
    ...candidates.flatMap((c) =>
      candidateProblems(candidateSettings(c), c.candidate, Object.keys(c.secretValues)),
    ),
  ];
  return { namespace, candidates, problems };
}

/** The whole sandbox on a cluster: the guarded namespace, then one component per candidate. */
export class KubernetesSandbox extends pulumi.ComponentResource {
  readonly namespaceName: pulumi.Output<string>;
  readonly candidates: CandidateEndpoint[];
  /** every candidate's secret values, given or generated: keep them (as a secret output) for the next run. */
  readonly secretValues: Record<string, Record<string, pulumi.Input<string>>>;

  constructor(name: string, args: KubernetesSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = planKubernetesSandbox(args);
    throwIfProblems("KubernetesSandbox", plan.problems);
    super("sandbox:kubernetes:Sandbox", name, {}, opts);
    const namespace = new SandboxNamespace(name, plan.namespace, { parent: this });
    this.candidates = plan.candidates.map((candidateArgs) => {
      const withNamespace = { ...candidateArgs, dependsOn: [namespace] };
      const { candidate } = candidateArgs;
      const component =
        candidate.kind === "media"
          ? new MediaServer(candidate.name, withNamespace, { parent: this })
          : new LmsCandidate(candidate.name, withNamespace, { parent: this });
      return {
        name: candidate.name,
        kind: candidate.kind,
        serviceName: component.serviceName,
        host: component.host,
      };
    });
    this.namespaceName = namespace.namespaceName;
    this.secretValues = Object.fromEntries(
      plan.candidates.map((c) => [c.candidate.name, { ...c.secretValues }]),
    );
    this.registerOutputs({ namespaceName: this.namespaceName, candidates: this.candidates });
  }
}

/** The Automation API program for a kubernetes-target sandbox; returns the stack outputs. */
export function kubernetesSandboxProgram(
  args: KubernetesSandboxArgs & { readonly context?: string; readonly kubeconfig?: string },
) {
  return async () => {
    const provider =
      args.context || args.kubeconfig
        ? new k8s.Provider("cluster", {
            ...(args.context ? { context: args.context } : {}),
            ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}),
          })
        : undefined;
    const sandbox = new KubernetesSandbox(args.spec.name, { ...args, ...(provider ? { provider } : {}) });
    return {
      namespace: sandbox.namespaceName,
      candidates: sandbox.candidates,
      secrets: pulumi.secret(sandbox.secretValues),
    };
  };
}
