import { describe, expect, it } from "vitest";
import { clusterDnsManifests } from "../../../sandbox-cli/src/k8s-tier/cluster-dns.ts";
import { MAIN_TOOLS, mainToolGoMod } from "../../../sandbox-cli/src/k8s-tier/go-main-tools.ts";
import { goInstallArgs, goToolBinaries, NODE_TOOLS } from "../../../sandbox-cli/src/k8s-tier/go-tools.ts";
import { iptablesCleanup, mountsUnder } from "../../../sandbox-cli/src/k8s-tier/node-cleanup.ts";
import {
  cniConflist,
  containerdConfigToml,
  kubeletConfigYaml,
  kubeProxyConfigYaml,
  type NodePaths,
  POD_BRIDGE,
  POD_GATEWAY,
  registryHostsToml,
} from "../../../sandbox-cli/src/k8s-tier/node-config.ts";

const paths: NodePaths = {
  dir: "/s/k8s-cluster",
  containerdSocket: "/s/k8s-cluster/containerd/containerd.sock",
  containerdRoot: "/s/k8s-cluster/containerd/root",
  containerdState: "/s/k8s-cluster/containerd/state",
  registryHostsDir: "/s/k8s-cluster/containerd/certs.d",
  cniConfDir: "/s/k8s-cluster/cni/net.d",
  cniBinDir: "/c/cni-plugins-v1.10.0/bin",
  cniDataDir: "/s/k8s-cluster/cni/ipam",
  kubeletRoot: "/s/k8s-cluster/kubelet",
  podLogsDir: "/s/k8s-cluster/pod-logs",
  caCert: "/s/k8s-cluster/pki/ca.crt",
};

describe("the node's configuration files", () => {
  it("gives containerd its own socket, the pinned sandbox image and the oom_score_adj restriction", () => {
    const toml = containerdConfigToml(paths, "127.0.0.1:5050/sandbox/pause:abc", "/usr/bin/runc");
    expect(toml).toContain('address = "/s/k8s-cluster/containerd/containerd.sock"');
    expect(toml).toContain('sandbox = "127.0.0.1:5050/sandbox/pause:abc"');
    expect(toml).toContain("restrict_oom_score_adj = true");
    expect(toml).toContain('BinaryName = "/usr/bin/runc"');
  });

  it("lets containerd pull from the local registry over plain HTTP", () => {
    expect(registryHostsToml("127.0.0.1:5050")).toContain('[host."http://127.0.0.1:5050"]');
  });

  it("keeps pods on their own bridge, without masquerading out", () => {
    const bridge = cniConflist(paths).plugins[0] as { bridge: string; ipMasq: boolean };
    expect(bridge).toMatchObject({ bridge: POD_BRIDGE, ipMasq: false });
  });

  it("runs the kubelet on cgroup v1, serving on the pod bridge's address only", () => {
    const yaml = kubeletConfigYaml(paths);
    expect(yaml).toContain("failCgroupV1: false");
    expect(yaml).toContain("cgroupDriver: cgroupfs");
    expect(yaml).toContain(`address: ${POD_GATEWAY}`);
    expect(yaml).toContain("healthzBindAddress: 127.0.0.1");
  });
});

describe("the cluster's DNS and service proxy", () => {
  it("serves DNS on port 53 of its pod, the port a sandbox's allow-dns policy names, without root", () => {
    const deployment = clusterDnsManifests("img", "/bin-dir").find((o) => o.kind === "Deployment") as {
      spec: { template: { spec: { securityContext: unknown; containers: { ports: unknown[] }[] } } };
    };
    const pod = deployment.spec.template.spec;
    expect(pod.containers[0]?.ports).toContainEqual({ name: "dns", containerPort: 53, protocol: "UDP" });
    expect(pod.securityContext).toEqual({
      sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "53" }],
    });
  });

  it("keeps kube-proxy's NodePorts off loopback (no route_localnet for the machine)", () => {
    const yaml = kubeProxyConfigYaml("/k");
    expect(yaml).toContain(`- ${POD_GATEWAY}/32`);
    expect(yaml).not.toContain("127.0.0.1/32");
  });
});

describe("the node's Go tools", () => {
  it("installs each package of a module at its pinned release", () => {
    expect(goInstallArgs(NODE_TOOLS.cni)).toContain(
      "github.com/containernetworking/plugins/plugins/main/bridge@v1.10.0",
    );
    expect(goInstallArgs(NODE_TOOLS.networkPolicies)).toContain(
      "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@v2.1.0",
    );
  });

  it("builds CoreDNS and the registry with only the plugins and storage the node uses", () => {
    expect(mainToolGoMod(MAIN_TOOLS.coredns)).toContain("require github.com/coredns/coredns v1.15.0");
    expect(MAIN_TOOLS.coredns.mainGo).toContain('"ready", "health", "errors", "cache", "kubernetes", "loop"');
    expect(MAIN_TOOLS.coredns.mainGo).not.toContain("route53");
    expect(MAIN_TOOLS.registry.mainGo).toContain("registry/storage/driver/filesystem");
    expect(MAIN_TOOLS.registry.mainGo).not.toContain("s3-aws");
  });

  it("names each binary after its package (the module itself when the main package is its root)", () => {
    expect(goToolBinaries(NODE_TOOLS.networkPolicies)).toEqual(["kube-router"]);
    expect(goToolBinaries(NODE_TOOLS.containerd)).toEqual(["containerd", "containerd-shim-runc-v2", "ctr"]);
  });
});

describe("cleaning up after the node", () => {
  const save = [
    "*nat",
    ":PREROUTING ACCEPT [0:0]",
    ":DOCKER - [0:0]",
    ":KUBE-SERVICES - [0:0]",
    ":CNI-HOSTPORT-DNAT - [0:0]",
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
    "-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT",
    "-A KUBE-SERVICES -j RETURN",
    "COMMIT",
  ].join("\n");

  it("removes the jumps into the node's chains, then the chains, and leaves Docker's alone", () => {
    expect(iptablesCleanup(save)).toEqual([
      [
        "-t",
        "nat",
        "-D",
        "PREROUTING",
        "-m",
        "comment",
        "--comment",
        "kubernetes service portals",
        "-j",
        "KUBE-SERVICES",
      ],
      ["-t", "nat", "-D", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "CNI-HOSTPORT-DNAT"],
      ["-t", "nat", "-F", "KUBE-SERVICES"],
      ["-t", "nat", "-F", "CNI-HOSTPORT-DNAT"],
      ["-t", "nat", "-X", "KUBE-SERVICES"],
      ["-t", "nat", "-X", "CNI-HOSTPORT-DNAT"],
    ]);
  });

  it("unmounts what lies under the cluster's folder, deepest first", () => {
    const mountinfo = [
      "1 0 8:1 / / rw - ext4 /dev/vda rw",
      "2 1 0:5 / /s/k8s-cluster/kubelet rw - tmpfs tmpfs rw",
      "3 2 0:6 / /s/k8s-cluster/kubelet/pods/x/volumes/token rw - tmpfs tmpfs rw",
      "4 1 0:7 / /s/k8s-cluster-other rw - tmpfs tmpfs rw",
    ].join("\n");
    expect(mountsUnder(mountinfo, ["/s/k8s-cluster"])).toEqual([
      "/s/k8s-cluster/kubelet/pods/x/volumes/token",
      "/s/k8s-cluster/kubelet",
    ]);
  });
});
