/**
 * The cluster's DNS as on any cluster: CoreDNS pods labelled k8s-app=kube-dns behind the kube-dns
 * Service, so a sandbox's "allow-dns" NetworkPolicy lets its pods resolve names and nothing else.
 */
import { CLUSTER_DNS_IP, CLUSTER_DOMAIN } from "./node-config.ts";

export { CLUSTER_DNS_IP };

/**
 * CoreDNS listens on 53 inside its pod, as on any cluster: a sandbox's "allow-dns" NetworkPolicy names
 * port 53, and policies match the pod's port (after the Service's translation). Unprivileged all the
 * same: the pod lowers its own network namespace's first privileged port (a safe sysctl).
 */
const DNS_PORT = 53;
const NS = "kube-system";
const labels = { "k8s-app": "kube-dns" };

const corefile = `.:${DNS_PORT} {
    errors
    health :8080
    ready :8181
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 30
    loop
}
`;

/** `image` is the base image (pulled from the local registry); the binary comes from `binDir` on the node. */
export function clusterDnsManifests(image: string, binDir: string): Record<string, unknown>[] {
  const meta = (name: string, namespaced = true) => ({
    name,
    ...(namespaced ? { namespace: NS } : {}),
    labels,
  });
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("coredns") },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: meta("system:coredns", false),
      rules: [
        {
          apiGroups: [""],
          resources: ["endpoints", "services", "pods", "namespaces"],
          verbs: ["list", "watch"],
        },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: meta("system:coredns", false),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:coredns" },
      subjects: [{ kind: "ServiceAccount", name: "coredns", namespace: NS }],
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta("coredns"), data: { Corefile: corefile } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("coredns"),
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "coredns",
            dnsPolicy: "Default",
            securityContext: { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "53" }] },
            containers: [
              {
                name: "coredns",
                image,
                command: ["/opt/coredns/coredns", "-conf", "/etc/coredns/Corefile"],
                ports: [
                  { name: "dns", containerPort: DNS_PORT, protocol: "UDP" },
                  { name: "dns-tcp", containerPort: DNS_PORT, protocol: "TCP" },
                ],
                readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: "/health", port: 8080 }, initialDelaySeconds: 30 },
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "170Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ["ALL"] },
                  runAsNonRoot: true,
                  runAsUser: 65534,
                  readOnlyRootFilesystem: true,
                },
                volumeMounts: [
                  { name: "config", mountPath: "/etc/coredns", readOnly: true },
                  { name: "bin", mountPath: "/opt/coredns", readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: "coredns" } },
              { name: "bin", hostPath: { path: binDir, type: "Directory" } },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("kube-dns"),
      spec: {
        clusterIP: CLUSTER_DNS_IP,
        selector: labels,
        ports: [
          { name: "dns", port: 53, targetPort: DNS_PORT, protocol: "UDP" },
          { name: "dns-tcp", port: 53, targetPort: DNS_PORT, protocol: "TCP" },
        ],
      },
    },
  ];
}

/**
 * With `--endpoint-reconciler-type=none` the `kubernetes` Service gets no endpoints (the API server
 * listens on 127.0.0.1 only); this one points it at the pod bridge's address, where a forwarder
 * passes connections on to 127.0.0.1.
 */
export function kubernetesEndpoints(address: string, port: number) {
  const meta = { name: "kubernetes", namespace: "default" };
  return [
    {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: meta,
      subsets: [{ addresses: [{ ip: address }], ports: [{ name: "https", port, protocol: "TCP" }] }],
    },
    {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { ...meta, labels: { "kubernetes.io/service-name": "kubernetes" } },
      addressType: "IPv4",
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: "https", port, protocol: "TCP" }],
    },
  ];
}
