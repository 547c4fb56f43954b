import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildSampleCourse } from "../../examples/sample-course/src/build.ts";
import { mediaAdapter } from "../../sandbox-cli/src/candidates/index.ts";
import { describeKubernetesCandidates } from "../../sandbox-cli/src/engine/describe-kubernetes.ts";
import { waitForPodsReady } from "../../sandbox-cli/src/engine/kubernetes-pods.ts";
import { readRecord, type SandboxRecord, writeRecord } from "../../sandbox-cli/src/engine/registry.ts";
import type { KubeObject } from "../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { kubeAt } from "../../sandbox-cli/src/runtime/kube.ts";
import { imagesToPush, pushRecipes } from "../../sandbox-cli/src/runtime/push-image.ts";
import { readSandboxView } from "../../sandbox-cli/src/sandbox/view.ts";
import { silentLogger } from "../../sandbox-cli/src/util/log.ts";
import { planCandidates } from "../../stacks/catalog/index.ts";
import { SANDBOX_UID } from "../../stacks/kubernetes/pod-security.ts";
import { renderKubernetesSandbox } from "../../stacks/kubernetes/render.ts";
import { runCli } from "../helpers/cli.ts";
import { persistentVolume, removePersistentVolume, tierClient, tierSpec, uniqueName } from "./helpers.ts";

const tier = inject("k8sTier");
const client = tierClient();
/** K8S_TIER_IMAGES=HOST:PORT/PREFIX: images already pushed there are used as they are (no build, no push). */
const pushed = process.env.K8S_TIER_IMAGES;
const registry = pushed ?? `${tier.registry}/elearning-sandbox`;
const spec = tierSpec(uniqueName("view"), ["reference-lms", "media-nginx"], registry);
const createdAt = new Date();
const objects = renderKubernetesSandbox({ spec, createdAt }) as KubeObject[];
const namespace = objects.find((o) => o.kind === "Namespace")?.metadata?.name ?? "";
const volumePool = Array.from({ length: 4 }, (_, i) => `${namespace}-pv-${i}`);
const location = { kubeconfig: tier.kubeconfig, context: tier.context, namespace };
const planned = planCandidates(spec.candidates);
const instances = describeKubernetesCandidates(planned, namespace).flatMap((c) =>
  c.instances.map((i) => ({ candidate: c.name, instance: i.instance })),
);

/** What `sandbox up` keeps: here written by the test, as the Pulumi step is another test's (pulumi-stack). */
const record = (
  state: SandboxRecord["state"],
  pods = [] as Parameters<typeof describeKubernetesCandidates>[2],
) => ({
  name: spec.name,
  owner: spec.owner,
  target: "kubernetes" as const,
  specPath: join(tmpdir(), `${spec.name}.yaml`),
  specSha256: "0".repeat(64),
  createdAt: createdAt.toISOString(),
  expiresAt: new Date(createdAt.getTime() + spec.ttl * 1000).toISOString(),
  updatedAt: new Date().toISOString(),
  state,
  hostPorts: {},
  kubernetes: location,
  candidates: describeKubernetesCandidates(planned, namespace, pods),
});

const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve("accepted");
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });

describe.skipIf(!tier.node)(
  "a kubernetes sandbox through the sandbox view (status, port-forward, course install)",
  () => {
    let dir = "";
    let env: Record<string, string> = {};
    const savedStateDir = process.env.SANDBOX_STATE_DIR;

    beforeAll(async () => {
      if (!pushed) await pushRecipes(imagesToPush(spec), registry, silentLogger);
      for (const name of volumePool)
        await client.request("POST", "/api/v1/persistentvolumes", await persistentVolume(name, namespace));
      for (const object of objects) {
        if (object.kind === "Secret") {
          // render gives placeholders; a database URL needs URL-safe values, as the stack generates them
          const data = (object as unknown as { stringData: Record<string, string> }).stringData;
          for (const key of Object.keys(data)) data[key] = randomBytes(12).toString("hex");
        }
        const res = await client.apply(object);
        if (res.status >= 300) throw new Error(`${object.kind} ${object.metadata?.name}: HTTP ${res.status}`);
      }
      // the records go to a state folder of this file's own (after the volumes: their folders use the default)
      dir = await mkdtemp(join(tmpdir(), "sandbox-k8s-view-"));
      process.env.SANDBOX_STATE_DIR = join(dir, "state");
      env = { SANDBOX_STATE_DIR: process.env.SANDBOX_STATE_DIR, SANDBOX_CACHE_DIR: join(dir, "cache") };
      await writeRecord(record("creating"));
    });

    afterAll(async () => {
      if (savedStateDir === undefined) delete process.env.SANDBOX_STATE_DIR;
      else process.env.SANDBOX_STATE_DIR = savedStateDir;
      await client.request("DELETE", `/api/v1/namespaces/${namespace}`);
      for (const name of volumePool) await removePersistentVolume(client, name);
      await rm(dir, { recursive: true, force: true });
    });

    it("up's wait returns once every candidate's pods are Ready; the record names each Ready pod", async () => {
      const pods = await waitForPodsReady({
        kube: kubeAt(location),
        namespace,
        sandbox: spec.name,
        instances,
        timeoutS: 420,
        log: silentLogger,
      });
      await writeRecord(record("up", pods));
      const kept = await readRecord(spec.name);
      const names = pods.map((p) => `${namespace}/${p.metadata?.name}`);
      for (const instance of kept?.candidates.flatMap((c) => c.instances) ?? [])
        expect(names).toContain(instance.container);
    }, 480_000);

    it("`sandbox status --json` shows each pod Running, Ready, never restarted, and the in-cluster URLs", async () => {
      const result = await runCli(["status", "--name", spec.name, "--json"], { env, timeoutMs: 120_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      const status = JSON.parse(result.stdout);
      expect(status).toMatchObject({ target: "kubernetes", healthy: true, kubernetes: { namespace } });
      const media = status.candidates.find((c: { name: string }) => c.name === "media-nginx");
      expect(media.url).toBe(`http://media-nginx.${namespace}.svc:8080`);
      for (const instance of status.candidates.flatMap((c: { instances: unknown[] }) => c.instances))
        expect(instance).toMatchObject({
          health: "ready",
          pods: [{ phase: "Running", ready: true, restarts: 0 }],
        });
      const text = await runCli(["status", "--name", spec.name], { env, timeoutMs: 120_000 });
      expect(text.stdout).toContain(`kubernetes namespace ${namespace}`);
      expect(text.stdout).toMatch(/media-nginx-[a-z0-9-]+\s+\S+\s+Running, ready, 0 restarts/);
    });

    it("the view reaches each candidate through a port-forward on 127.0.0.1, closed with the view", async () => {
      const view = await readSandboxView(spec.name, "loopback");
      try {
        expect(view.candidates.map((c) => c.candidate)).toEqual(["reference-lms", "media-nginx"]);
        for (const target of view.candidates) {
          expect(target.loopbackUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
          expect(target.internal.host).toBe(`${target.candidate}.${namespace}.svc`);
          expect((await fetch(new URL("/healthz", target.loopbackUrl))).status).toBe(200);
        }
        expect(view.candidates[0]?.credentials?.username).toBe("admin");
        const network = await readSandboxView(spec.name, "network");
        expect(network.candidates[1]?.baseUrl).toBe(`http://media-nginx.${namespace}.svc:8080`);
        await network.close();
      } finally {
        await view.close();
      }
      for (const port of view.owned.loopbackPorts) expect(await refused(port)).toBe("ECONNREFUSED");
    });

    it("course install: the LMS through the port-forward, the video into the media pod by exec and tar", async () => {
      const course = await buildSampleCourse({ outDir: join(dir, "course"), videoSeconds: 6 });
      const result = await runCli(["course", "install", course.zipPath, "--name", spec.name, "--json"], {
        env,
        timeoutMs: 600_000,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const installed = JSON.parse(result.stdout);
      expect(installed.lms[0].launchUrl).toMatch(
        new RegExp(`^http://reference-lms\\.${namespace}\\.svc:8080/launch/`),
      );
      const masterUrl = new URL(installed.media[0].masterUrl);
      expect(masterUrl.host).toBe(`media-nginx.${namespace}.svc:8080`);
      // the published ladder is served, and the adapter finds it and copies it back out
      const view = await readSandboxView(spec.name, "loopback");
      try {
        const media = view.candidates.find((c) => c.kind === "media");
        if (!media) throw new Error("no media candidate");
        expect(media.pod).toMatchObject({ namespace, container: "main" });
        const { entry, adapter } = await mediaAdapter(media.catalogId);
        expect(await adapter.masters(media, entry)).toContain(masterUrl.pathname);
        const master = await fetch(new URL(masterUrl.pathname, media.loopbackUrl));
        expect(master.status).toBe(200);
        expect(await master.text()).toContain("#EXTM3U");
        const copied = await adapter.download(media, entry, join(dir, "download"));
        expect(copied).toBe(join(dir, "download", "media"));
      } finally {
        await view.close();
      }
    }, 660_000);

    it("a pod that cannot pull its image: the wait names the pod and its waiting reason", async () => {
      const ghost = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: "ghost",
          namespace,
          labels: { "sandbox.name": spec.name, "app.kubernetes.io/instance": "ghost" },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: SANDBOX_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "main",
              image: `${tier.registry}/elearning-sandbox/no-such-image:latest`,
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "10m", memory: "16Mi" } },
            },
          ],
        },
      };
      const res = await client.apply(ghost);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      const error = await waitForPodsReady({
        kube: kubeAt(location),
        namespace,
        sandbox: spec.name,
        instances: [{ candidate: "ghost", instance: "ghost" }],
        timeoutS: 45,
        log: silentLogger,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "SANDBOX_PODS_NOT_READY" });
      expect((error as Error).message).toMatch(/ghost: pod ghost: main: (ErrImagePull|ImagePullBackOff)/);
      expect((error as { hint: string }).hint).toContain("sandbox images push");
    }, 120_000);
  },
);
