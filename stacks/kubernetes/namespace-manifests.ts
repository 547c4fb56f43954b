import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { ILimitRange } from "kubernetes-models/v1/LimitRange";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IResourceQuota } from "kubernetes-models/v1/ResourceQuota";
import { objectMeta, type SandboxIdentity } from "./metadata.ts";

/** Caps IT puts on one sandbox namespace. */
export interface NamespaceQuota {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
  readonly volumeClaims: number;
  readonly storage: string;
}

export interface NamespaceSettings {
  readonly identity: SandboxIdentity;
  readonly namespace: string;
  readonly ingressControllerNamespace: string;
  readonly monitoringNamespace: string;
  readonly itViewerGroup: string;
  /** the Kubernetes user the owner signs in as (RBAC subject). */
  readonly ownerUser: string;
  readonly quota: NamespaceQuota;
}

export const DEFAULT_QUOTA: NamespaceQuota = {
  cpu: "8",
  memory: "16Gi",
  pods: 50,
  volumeClaims: 20,
  storage: "100Gi",
};
export const DEFAULT_DENY_POLICY = "default-deny-all";
export const OWNER_ROLE = "sandbox-owner";

export function namespaceManifest(s: NamespaceSettings): INamespace {
  const meta = objectMeta(s.identity, s.namespace, undefined, {
    labels: {
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    },
  });
  return { apiVersion: "v1", kind: "Namespace", metadata: meta };
}

export function resourceQuotaManifest(s: NamespaceSettings): IResourceQuota {
  const q = s.quota;
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: objectMeta(s.identity, "sandbox-quota", s.namespace),
    spec: {
      hard: {
        "requests.cpu": q.cpu,
        "limits.cpu": q.cpu,
        "requests.memory": q.memory,
        "limits.memory": q.memory,
        pods: String(q.pods),
        persistentvolumeclaims: String(q.volumeClaims),
        "requests.storage": q.storage,
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      },
    },
  };
}

/** Defaults for a container that states no resources, and the largest any one may ask for. */
export function limitRangeManifest(s: NamespaceSettings): ILimitRange {
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: objectMeta(s.identity, "sandbox-limits", s.namespace),
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: "500m", memory: "512Mi" },
          defaultRequest: { cpu: "100m", memory: "128Mi" },
          max: { cpu: "4", memory: "8Gi" },
        },
      ],
    },
  };
}

const fromNamespace = (name: string) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
});

/** Deny all, then open: inside the namespace, DNS, and ingress from the ingress controller and IT monitoring. */
export function networkPolicyManifests(s: NamespaceSettings): INetworkPolicy[] {
  const policy = (name: string, spec: NonNullable<INetworkPolicy["spec"]>): INetworkPolicy => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: objectMeta(s.identity, name, s.namespace),
    spec,
  });
  return [
    policy(DEFAULT_DENY_POLICY, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy("allow-same-namespace", {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    }),
    policy("allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ...fromNamespace("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
    policy("allow-from-ingress-controller", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [fromNamespace(s.ingressControllerNamespace)] }],
    }),
    policy("allow-from-it-monitoring", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [fromNamespace(s.monitoringNamespace)] }],
    }),
  ];
}

/**
 * The owner's Role: full control of workloads, config and networking objects in this namespace only
 * (a Role cannot reach outside it), and read-only on IT's guardrails (quota, limits, network policies, RBAC).
 */
export function ownerRoleManifest(s: NamespaceSettings): IRole {
  const all = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
  const read = ["get", "list", "watch"];
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: objectMeta(s.identity, OWNER_ROLE, s.namespace),
    rules: [
      {
        apiGroups: [""],
        resources: [
          "pods",
          "pods/log",
          "pods/exec",
          "pods/portforward",
          "services",
          "endpoints",
          "configmaps",
          "secrets",
          "persistentvolumeclaims",
          "serviceaccounts",
        ],
        verbs: all,
      },
      { apiGroups: ["apps"], resources: ["deployments", "statefulsets", "replicasets"], verbs: all },
      { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: all },
      { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: all },
      { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: all },
      { apiGroups: [""], resources: ["resourcequotas", "limitranges", "events"], verbs: read },
      { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: read },
      { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: read },
    ],
  };
}

export function roleBindingManifests(s: NamespaceSettings): IRoleBinding[] {
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: objectMeta(s.identity, "sandbox-owner", s.namespace),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: OWNER_ROLE },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: s.ownerUser }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: objectMeta(s.identity, "it-viewers", s.namespace),
      // the built-in "view" ClusterRole, bound here, reads this namespace only (not its Secrets).
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: s.itViewerGroup }],
    },
  ];
}
