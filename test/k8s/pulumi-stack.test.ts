import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { LocalWorkspace } from "@pulumi/pulumi/automation/index.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { POLICY_PACK_DIR } from "../../sandbox-cli/src/engine/up-kubernetes.ts";
import { pulumiCommand } from "../../sandbox-cli/src/engine/workspace.ts";
import { pathWithTools } from "../../sandbox-cli/src/paths.ts";
import { KUBERNETES_PROVIDER_VERSION } from "../../sandbox-cli/src/sandbox-spec/kubernetes-target.ts";
import { renderKubernetesSandbox } from "../../stacks/kubernetes/render.ts";
import { runCli } from "../helpers/cli.ts";
import {
  emulateIngressController,
  persistentVolume,
  removePersistentVolume,
  tierClient,
  tierSpec,
  uniqueName,
  waitFor,
} from "./helpers.ts";

const tier = inject("k8sTier");
const client = tierClient();

/**
 * The Pulumi path needs the kubernetes provider plugin at the version @pulumi/kubernetes asks for
 * (built by the global setup from Go modules); when it could not be built these tests are skipped
 * and the reason is printed.
 */
describe.skipIf(!tier.providerInstalled || !tier.node)("sandbox up --target kubernetes", () => {
  const name = uniqueName("cli");
  const namespace = `sandbox-${name}`;
  const volumes = Array.from({ length: 4 }, (_, i) => `${namespace}-pv-${i}`);
  let dir: string;
  let env: Record<string, string>;
  let specPath: string;
  let stopIngressController: (() => void) | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sandbox-k8s-tier-cli-"));
    specPath = join(dir, "sandbox.yaml");
    // the cluster pulls the project's images from the spec's registry, as a company cluster would
    const registry = `${tier.registry}/elearning-sandbox`;
    await writeFile(
      specPath,
      [
        `name: ${name}`,
        "owner: anna.schmidt@example.com",
        "ttl: 2h",
        "target:",
        "  kind: kubernetes",
        `  registry: ${registry}`,
        "candidates:",
        "  - catalog: reference-lms",
        "  - catalog: media-nginx",
        "",
      ].join("\n"),
    );
    const push = await runCli(["images", "push", "--registry", registry, "--spec", specPath, "--json"], {
      timeoutMs: 900_000,
    });
    expect(push.exitCode, push.stderr).toBe(0);
    env = {
      KUBECONFIG: tier.kubeconfig,
      SANDBOX_POLICY_CONFIG: tier.policyConfig,
      SANDBOX_STATE_DIR: join(dir, "state"),
    };
    for (const volume of volumes)
      await client.request("POST", "/api/v1/persistentvolumes", await persistentVolume(volume, namespace));
    stopIngressController = emulateIngressController(client, namespace);
  });

  afterAll(async () => {
    stopIngressController?.();
    await client.request("DELETE", `/api/v1/namespaces/${namespace}`);
    for (const volume of volumes) await removePersistentVolume(client, volume);
    await rm(dir, { recursive: true, force: true });
  });

  it("converges under IT's policy pack with the namespace's guardrails as specified; a second up changes nothing", async () => {
    const up = await runCli(["up", "--spec", specPath, "--target", "kubernetes", "--json"], {
      env,
      timeoutMs: 900_000,
    });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ name, changed: true });

    const ns = (await client.get(`/api/v1/namespaces/${namespace}`)) as {
      metadata: { labels: Record<string, string> };
    };
    expect(ns.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "sandbox.name": name,
      "sandbox.owner": expect.any(String),
    });
    const rendered = renderKubernetesSandbox({
      spec: { ...tierSpec(name, ["reference-lms", "media-nginx"]) },
      createdAt: new Date(),
    });
    const count = (kind: string) => rendered.filter((o) => o.kind === kind).length;
    const list = async (path: string) =>
      ((await client.get(`${path}`)) as { items: { metadata: { name: string } }[] }).items;
    expect(await list(`/api/v1/namespaces/${namespace}/resourcequotas`)).toHaveLength(count("ResourceQuota"));
    expect(await list(`/api/v1/namespaces/${namespace}/limitranges`)).toHaveLength(count("LimitRange"));
    const policies = await list(`/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`);
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(
      rendered
        .filter((o) => o.kind === "NetworkPolicy")
        .map((o) => String(o.metadata?.name))
        .sort(),
    );
    // the provider waited for the workloads: every Deployment and StatefulSet is ready on the real node
    for (const plural of ["deployments", "statefulsets"]) {
      const workloads = (await client.get(`/apis/apps/v1/namespaces/${namespace}/${plural}`)) as {
        items: { spec: { replicas: number }; status?: { readyReplicas?: number } }[];
      };
      for (const w of workloads.items) expect(w.status?.readyReplicas ?? 0).toBe(w.spec.replicas);
    }

    const again = await runCli(["up", "--spec", specPath, "--target", "kubernetes", "--json"], {
      env,
      timeoutMs: 600_000,
    });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false });
  }, 1_500_000);

  it("sandbox down removes the namespace completely", async () => {
    const down = await runCli(["down", "--name", name, "--json"], { env, timeoutMs: 600_000 });
    expect(down.exitCode, down.stderr).toBe(0);
    const removed = JSON.parse(down.stdout) as { existed: boolean; destroyed: number };
    expect(removed.existed).toBe(true);
    expect(removed.destroyed).toBeGreaterThan(10);
    const gone = await waitFor(
      async () =>
        (await client.request("GET", `/api/v1/namespaces/${namespace}`)).status === 404 ? true : undefined,
      120_000,
    );
    expect(gone).toBe(true);
  }, 600_000);
});

describe.skipIf(!tier.providerInstalled)("IT's policy pack during pulumi preview", () => {
  const previewWith = async (program: () => Promise<Record<string, unknown>>) => {
    const backend = await mkdtemp(join(tmpdir(), "sandbox-k8s-tier-policy-"));
    try {
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "policy", projectName: "k8s-tier-policy", program },
        {
          pulumiCommand: await pulumiCommand(),
          envVars: {
            PATH: pathWithTools(),
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: "k8s-tier",
            PULUMI_SKIP_UPDATE_CHECK: "true",
          },
        },
      );
      return await stack.preview({ policyPacks: [POLICY_PACK_DIR] }).then(
        (result) => ({ ok: true, text: result.stdout }),
        (error: Error) => ({ ok: false, text: error.message }),
      );
    } finally {
      await rm(backend, { recursive: true, force: true });
    }
  };
  const provider = () => new k8s.Provider("tier", { kubeconfig: tier.kubeconfig, context: tier.context });

  /** One pod in "default": digest-pinned image, requests and limits; `securityContext` is what varies. */
  const podProgram = (name: string, securityContext: k8s.types.input.core.v1.SecurityContext) => async () => {
    new k8s.core.v1.Pod(
      name,
      {
        metadata: { namespace: "default" },
        spec: {
          containers: [
            {
              name: "app",
              image: `sandbox/reference-lms@sha256:${"0".repeat(64)}`,
              securityContext,
              resources: {
                requests: { cpu: "100m", memory: "64Mi" },
                limits: { cpu: "200m", memory: "128Mi" },
              },
            },
          ],
        },
      },
      { provider: provider() },
    );
    return {};
  };

  it("passes a pod that keeps IT's rules and names the pack", async () => {
    const result = await previewWith(podProgram("fine", { allowPrivilegeEscalation: false }));
    expect(result.ok, result.text).toBe(true);
    expect(result.text).toContain("elearning-sandbox-it");
  });

  it("stops a privileged pod with the rule's name (mandatory)", async () => {
    const result = await previewWith(podProgram("privileged", { privileged: true }));
    expect(result.ok).toBe(false);
    expect(result.text).toContain("no-privileged-containers");
  });
});

describe.runIf(!tier.providerInstalled)("the kubernetes provider plugin", () => {
  it("is reported missing with the reason it could not be built here", () => {
    expect(tier.providerReason).not.toBe("");
    expect(KUBERNETES_PROVIDER_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
