import type { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { POLICY_NAMES, parseItPolicyConfig } from "../../../stacks/policy/config.ts";
import { evaluatePolicies } from "../../../stacks/policy/evaluate.ts";
import { itPolicies } from "../../../stacks/policy/policies.ts";
import { normalizeImage } from "../../../stacks/policy/rules.ts";

type Props = Record<string, unknown>;

const container = (overrides: Props = {}): Props => ({
  name: "main",
  image: "registry.sandbox.internal/elearning-sandbox/reference-lms:latest",
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  ...overrides,
});
const deployment = (pod: Props = {}, containerOverrides: Props = {}): Props => ({
  metadata: { name: "lms", namespace: "sandbox-x" },
  spec: { template: { spec: { containers: [container(containerOverrides)], ...pod } } },
});

function byName<T extends Policy>(name: string, config: unknown = {}): T {
  const policy = itPolicies(config).find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name}`);
  return policy as T;
}

async function violationsOf(
  name: string,
  type: string,
  props: Props,
  policyConfig: Props = {},
): Promise<string[]> {
  const found = await evaluatePolicies([byName(name)], [{ type, props }], () => policyConfig);
  return found.map((v) => v.message);
}

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

describe("IT policy pack: one passing and one failing resource per rule", () => {
  it("containers-have-requests-and-limits", async () => {
    expect(await violationsOf("containers-have-requests-and-limits", DEPLOYMENT, deployment())).toEqual([]);
    expect(
      await violationsOf(
        "containers-have-requests-and-limits",
        DEPLOYMENT,
        deployment({}, { resources: { limits: { cpu: "1" } } }),
      ),
    ).toEqual([
      'Deployment "lms": container "main" has no requests.cpu, requests.memory, limits.memory; set resources.requests and resources.limits for cpu and memory',
    ]);
    const cronJob = {
      metadata: { name: "nightly" },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "c" }] } } } } },
    };
    expect(
      await violationsOf("containers-have-requests-and-limits", "kubernetes:batch/v1:CronJob", cronJob),
    ).toHaveLength(1);
  });

  it("no-loadbalancer-or-nodeport-services", async () => {
    const service = (type: string) => ({ metadata: { name: "web" }, spec: { type, ports: [{ port: 80 }] } });
    expect(
      await violationsOf(
        "no-loadbalancer-or-nodeport-services",
        "kubernetes:core/v1:Service",
        service("ClusterIP"),
      ),
    ).toEqual([]);
    expect(
      await violationsOf(
        "no-loadbalancer-or-nodeport-services",
        "kubernetes:core/v1:Service",
        service("LoadBalancer"),
      ),
    ).toEqual(['Service "web" is of type LoadBalancer; use ClusterIP behind the ingress controller']);
    expect(
      await violationsOf(
        "no-loadbalancer-or-nodeport-services",
        "kubernetes:core/v1:Service",
        service("NodePort"),
      ),
    ).toHaveLength(1);
  });

  it("no-privileged-containers", async () => {
    expect(
      await violationsOf(
        "no-privileged-containers",
        DEPLOYMENT,
        deployment({}, { securityContext: { privileged: false } }),
      ),
    ).toEqual([]);
    expect(
      await violationsOf(
        "no-privileged-containers",
        DEPLOYMENT,
        deployment({}, { securityContext: { privileged: true } }),
      ),
    ).toEqual(['Deployment "lms": container "main" is privileged; remove securityContext.privileged']);
  });

  it("no-host-network", async () => {
    expect(await violationsOf("no-host-network", DEPLOYMENT, deployment())).toEqual([]);
    expect(await violationsOf("no-host-network", DEPLOYMENT, deployment({ hostNetwork: true }))).toEqual([
      'Deployment "lms" uses hostNetwork; remove it and use a Service',
    ]);
  });

  it("no-host-path-volumes", async () => {
    const pvc = { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] };
    expect(await violationsOf("no-host-path-volumes", DEPLOYMENT, deployment(pvc))).toEqual([]);
    const hostPath = { volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] };
    expect(
      await violationsOf("no-host-path-volumes", "kubernetes:core/v1:Pod", {
        metadata: { name: "p" },
        spec: { containers: [], ...hostPath },
      }),
    ).toEqual(['Pod "p": volume "docker" is a hostPath; use a PersistentVolumeClaim']);
  });

  it("no-host-ports", async () => {
    expect(
      await violationsOf("no-host-ports", DEPLOYMENT, deployment({}, { ports: [{ containerPort: 8080 }] })),
    ).toEqual([]);
    expect(
      await violationsOf(
        "no-host-ports",
        DEPLOYMENT,
        deployment({}, { ports: [{ containerPort: 8080, hostPort: 80 }] }),
      ),
    ).toEqual(['Deployment "lms": container "main" binds hostPort 80; remove it and use a Service']);
  });

  it("images-from-allowed-registries: allowed registry or digest passes, anything else fails", async () => {
    expect(await violationsOf("images-from-allowed-registries", DEPLOYMENT, deployment())).toEqual([]);
    const digest = `docker.io/bitnami/moodle@sha256:${"a".repeat(64)}`;
    expect(
      await violationsOf("images-from-allowed-registries", DEPLOYMENT, deployment({}, { image: digest })),
    ).toEqual([]);
    expect(
      await violationsOf(
        "images-from-allowed-registries",
        DEPLOYMENT,
        deployment({}, { image: "nginx:1.27" }),
      ),
    ).toEqual([
      'Deployment "lms": container "main" image "nginx:1.27" is neither from an allowed registry (registry.sandbox.internal) nor pinned by digest; push it to an allowed registry or pin it as image@sha256:...',
    ]);
    // a look-alike host is not the allowed registry
    expect(
      await violationsOf(
        "images-from-allowed-registries",
        DEPLOYMENT,
        deployment({}, { image: "registry.sandbox.internal.evil.io/x:1" }),
      ),
    ).toHaveLength(1);
    // Pulumi's --policy-pack-config allowedRegistries wins over the pack's default
    expect(
      await violationsOf(
        "images-from-allowed-registries",
        DEPLOYMENT,
        deployment({}, { image: "nginx:1.27" }),
        {
          allowedRegistries: ["docker.io/library"],
        },
      ),
    ).toEqual([]);
  });

  it("normalizes image references the way the container runtime does", () => {
    expect(normalizeImage("nginx")).toBe("docker.io/library/nginx");
    expect(normalizeImage("sandbox/load-runner:latest")).toBe("docker.io/sandbox/load-runner:latest");
    expect(normalizeImage("localhost:5000/x")).toBe("localhost:5000/x");
  });

  it("sandbox-namespace-guardrails (stack policy)", async () => {
    const policy = byName<StackValidationPolicy>("sandbox-namespace-guardrails");
    const ns = (labels: Props) => ({
      type: "kubernetes:core/v1:Namespace",
      props: { metadata: { name: "sandbox-x", labels } },
    });
    const denyAll = {
      type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      props: {
        metadata: { name: "default-deny-all", namespace: "sandbox-x" },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
    };
    const allowAll = {
      type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      props: {
        metadata: { name: "open", namespace: "sandbox-x" },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] },
      },
    };
    const run = async (resources: { type: string; props: Props }[]) =>
      (await evaluatePolicies([policy], resources)).map((v) => v.message);
    const good = ns({ "sandbox.name": "x", "sandbox.expires-at": "20261129T204000Z" });
    expect(await run([good, denyAll])).toEqual([]);
    expect(await run([ns({ "sandbox.name": "x" }), allowAll])).toEqual([
      'Namespace "sandbox-x" has no sandbox.expires-at label; set it to the expiry time as YYYYMMDDTHHMMSSZ',
      'Namespace "sandbox-x" has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules); add one',
    ]);
    expect(await run([ns({ "sandbox.name": "x", "sandbox.expires-at": "tomorrow" }), denyAll])).toEqual([
      'Namespace "sandbox-x" has a malformed (tomorrow) sandbox.expires-at label; set it to the expiry time as YYYYMMDDTHHMMSSZ',
    ]);
    // namespaces that are not sandboxes are none of this policy's business
    expect(await run([ns({})])).toEqual([]);
  });
});

describe("IT policy pack configuration", () => {
  it("skips disabled rules and reports each violation with its level", async () => {
    const pod = { metadata: { name: "p" }, spec: { hostNetwork: true, containers: [] } };
    const policies = itPolicies({ enforcement: { "no-host-network": "advisory" } });
    expect(await evaluatePolicies(policies, [{ type: "kubernetes:core/v1:Pod", props: pod }])).toEqual([
      {
        policy: "no-host-network",
        enforcementLevel: "advisory",
        message: 'Pod "p" uses hostNetwork; remove it and use a Service',
      },
    ]);
    const off = itPolicies({ enforcement: { "no-host-network": "disabled" } });
    expect(await evaluatePolicies(off, [{ type: "kubernetes:core/v1:Pod", props: pod }])).toEqual([]);
  });

  it("makes every rule mandatory by default", () => {
    const policies = itPolicies();
    expect(policies.map((p) => p.name).sort()).toEqual([...POLICY_NAMES].sort());
    expect(new Set(policies.map((p) => p.enforcementLevel))).toEqual(new Set(["mandatory"]));
  });

  it("sets each rule mandatory, advisory or disabled from the config", () => {
    const policies = itPolicies({
      enforcement: { "images-from-allowed-registries": "advisory", "no-host-ports": "disabled" },
      allowedRegistries: ["harbor.corp.example/training"],
    });
    const level = Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]));
    expect(level["images-from-allowed-registries"]).toBe("advisory");
    expect(level["no-host-ports"]).toBe("disabled");
    expect(level["no-host-network"]).toBe("mandatory");
    const images = policies.find(
      (p) => p.name === "images-from-allowed-registries",
    ) as ResourceValidationPolicy;
    expect(images.configSchema?.properties?.allowedRegistries).toMatchObject({
      default: ["harbor.corp.example/training"],
    });
  });

  it("names an unknown rule or level and lists the allowed ones", () => {
    expect(() => parseItPolicyConfig({ enforcement: { "no-root": "advisory" } }, "it-policy.json")).toThrow(
      /it-policy.json is invalid:\n {2}- enforcement: Unrecognized key: "no-root"\n {2}rule names: containers-have-requests-and-limits, .*; levels: mandatory, advisory, disabled/,
    );
    expect(() => parseItPolicyConfig({ enforcement: { "no-host-ports": "strict" } })).toThrow(
      /enforcement.no-host-ports/,
    );
    expect(() => parseItPolicyConfig({ registries: [] })).toThrow(/Unrecognized key.*registries/);
  });
});
