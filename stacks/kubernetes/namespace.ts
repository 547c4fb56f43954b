import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SandboxIdentity } from "./metadata.ts";
import {
  DEFAULT_QUOTA,
  limitRangeManifest,
  type NamespaceQuota,
  type NamespaceSettings,
  namespaceManifest,
  networkPolicyManifests,
  ownerRoleManifest,
  resourceQuotaManifest,
  roleBindingManifests,
} from "./namespace-manifests.ts";
import { asArgs, dnsLabelProblem, throwIfProblems } from "./validate.ts";

export interface SandboxNamespaceArgs {
  readonly identity: SandboxIdentity;
  /** default `sandbox-<identity.name>`. */
  readonly namespace?: string;
  /** default "ingress-nginx". */
  readonly ingressControllerNamespace?: string;
  /** default "monitoring". */
  readonly monitoringNamespace?: string;
  /** default "it-sandbox-viewers". */
  readonly itViewerGroup?: string;
  /** default identity.owner. */
  readonly ownerUser?: string;
  /** default DEFAULT_QUOTA, field by field. */
  readonly quota?: Partial<NamespaceQuota>;
  readonly provider?: k8s.Provider;
}

export function namespaceSettings(args: SandboxNamespaceArgs): NamespaceSettings {
  return {
    identity: args.identity,
    namespace: args.namespace ?? `sandbox-${args.identity.name}`,
    ingressControllerNamespace: args.ingressControllerNamespace ?? "ingress-nginx",
    monitoringNamespace: args.monitoringNamespace ?? "monitoring",
    itViewerGroup: args.itViewerGroup ?? "it-sandbox-viewers",
    ownerUser: args.ownerUser ?? args.identity.owner,
    quota: { ...DEFAULT_QUOTA, ...args.quota },
  };
}

export function namespaceProblems(s: NamespaceSettings): string[] {
  return [
    ...dnsLabelProblem("namespace", s.namespace),
    ...dnsLabelProblem("ingressControllerNamespace", s.ingressControllerNamespace),
    ...dnsLabelProblem("monitoringNamespace", s.monitoringNamespace),
    ...(s.itViewerGroup.trim() ? [] : ["itViewerGroup must not be empty"]),
    ...(s.ownerUser.trim() ? [] : ["ownerUser (or identity.owner) must not be empty"]),
    ...(s.namespace === s.ingressControllerNamespace || s.namespace === s.monitoringNamespace
      ? [`namespace "${s.namespace}" must differ from the ingress controller's and monitoring's namespaces`]
      : []),
  ];
}

/** The sandbox's namespace with IT's guardrails: pod security, quota, limits, network policies and RBAC. */
export class SandboxNamespace extends pulumi.ComponentResource {
  readonly namespaceName: pulumi.Output<string>;
  readonly settings: NamespaceSettings;

  constructor(name: string, args: SandboxNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    const s = namespaceSettings(args);
    throwIfProblems("SandboxNamespace", namespaceProblems(s));
    super("sandbox:kubernetes:SandboxNamespace", name, {}, opts);
    this.settings = s;
    const base = { parent: this, ...(args.provider ? { provider: args.provider } : {}) };
    const namespace = new k8s.core.v1.Namespace(name, namespaceManifest(s), base);
    const inside = { ...base, dependsOn: [namespace] };
    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      asArgs<k8s.core.v1.ResourceQuotaArgs>(resourceQuotaManifest(s)),
      inside,
    );
    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      asArgs<k8s.core.v1.LimitRangeArgs>(limitRangeManifest(s)),
      inside,
    );
    for (const policy of networkPolicyManifests(s)) {
      new k8s.networking.v1.NetworkPolicy(`${name}-${policy.metadata?.name}`, policy, inside);
    }
    const role = new k8s.rbac.v1.Role(`${name}-owner-role`, ownerRoleManifest(s), inside);
    for (const binding of roleBindingManifests(s)) {
      new k8s.rbac.v1.RoleBinding(`${name}-${binding.metadata?.name}`, binding, {
        ...inside,
        dependsOn: [namespace, role],
      });
    }
    this.namespaceName = namespace.metadata.name;
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
