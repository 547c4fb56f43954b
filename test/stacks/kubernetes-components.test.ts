import { beforeEach, describe, expect, it } from "vitest";
import { installMocks, type MockedResource, outputValue, settled } from "./helpers/pulumi-mocks.ts";

// Set the mocks first, then import the program (its modules register resources against them).
const created: MockedResource[] = installMocks();
const { sandboxSpecSchema } = await import("../../sandbox-cli/src/sandbox-spec/schema.ts");
const {
  KubernetesSandbox,
  kubernetesSandboxProgram,
  renderKubernetesSandbox,
  SandboxNamespace,
  LoadRunners,
  CourseLoader,
  ComponentArgsError,
} = await import("../../stacks/kubernetes/index.ts");
const { itPolicies } = await import("../../stacks/policy/policies.ts");
const { evaluatePolicies } = await import("../../stacks/policy/evaluate.ts");
const { identity, namespace, unwrapSecrets } = await import("./helpers/fixtures.ts");
const { validateAgainstOpenApi } = await import("./helpers/k8s-openapi.ts");

const spec = sandboxSpecSchema.parse({
  name: "bakeoff",
  owner: "anna.schmidt@example.com",
  ttl: "8h",
  target: { kind: "kubernetes", ingressDomain: "sandbox.example.internal", ingressClassName: "nginx" },
  candidates: [
    { catalog: "reference-lms" },
    { catalog: "reference-lms", name: "lms-b" },
    { catalog: "media-nginx" },
  ],
});
const createdAt = new Date("2026-11-29T12:00:00Z");
const secretValues = {
  "reference-lms": { dbPassword: "p1", adminPassword: "p2" },
  "lms-b": { dbPassword: "p3", adminPassword: "p4" },
};

const kubernetesObjects = () =>
  created.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes");

beforeEach(() => {
  created.length = 0;
});

describe("KubernetesSandbox (Pulumi mocks)", () => {
  it("creates the guarded namespace and one component per candidate kind", async () => {
    const sandbox = new KubernetesSandbox("bakeoff", { spec, createdAt, secretValues });
    await settled();
    expect(await outputValue(sandbox.namespaceName)).toBe("sandbox-bakeoff");
    const components = created.filter((r) => r.type.startsWith("sandbox:")).map((r) => `${r.type} ${r.name}`);
    expect(components.sort()).toEqual(
      [
        "sandbox:kubernetes:Sandbox bakeoff",
        "sandbox:kubernetes:SandboxNamespace bakeoff",
        "sandbox:kubernetes:LmsCandidate reference-lms",
        "sandbox:kubernetes:LmsCandidate lms-b",
        "sandbox:kubernetes:MediaServer media-nginx",
        "sandbox:kubernetes:DatabaseServer reference-lms-database",
        "sandbox:kubernetes:DatabaseServer lms-b-database",
      ].sort(),
    );
    const count = (type: string) => kubernetesObjects().filter((r) => r.type === type).length;
    expect(count("kubernetes:core/v1:Namespace")).toBe(1);
    expect(count("kubernetes:networking.k8s.io/v1:NetworkPolicy")).toBe(5);
    expect(count("kubernetes:apps/v1:Deployment")).toBe(3);
    expect(count("kubernetes:apps/v1:StatefulSet")).toBe(2);
    expect(count("kubernetes:networking.k8s.io/v1:Ingress")).toBe(3);
    expect(count("kubernetes:core/v1:Secret")).toBe(2);
    expect(count("kubernetes:core/v1:ServiceAccount")).toBe(5);
    expect(sandbox.candidates.map((c) => c.host)).toEqual([
      "reference-lms.bakeoff.sandbox.example.internal",
      "lms-b.bakeoff.sandbox.example.internal",
      "media-nginx.bakeoff.sandbox.example.internal",
    ]);
  });

  it("stamps every object with the sandbox labels and annotations and keeps it valid and inside the namespace", async () => {
    new KubernetesSandbox("bakeoff", { spec, createdAt, secretValues });
    await settled();
    const objects = kubernetesObjects();
    expect(objects.length).toBeGreaterThan(30);
    for (const object of objects) {
      const manifest = unwrapSecrets(object.inputs) as Record<string, unknown> & {
        metadata: { namespace?: string; labels: Record<string, string>; annotations: Record<string, string> };
      };
      validateAgainstOpenApi(manifest);
      expect(manifest.metadata.labels).toMatchObject({
        "sandbox.name": "bakeoff",
        "sandbox.owner": "anna.schmidt_at_example.com",
        "sandbox.expires-at": "20261129T200000Z",
      });
      expect(manifest.metadata.annotations).toMatchObject({
        "sandbox.owner": "anna.schmidt@example.com",
        "sandbox.expires-at": "2026-11-29T20:00:00.000Z",
      });
      if (manifest.kind !== "Namespace") expect(manifest.metadata.namespace).toBe("sandbox-bakeoff");
    }
  });

  it("makes every object in the namespace wait for the namespace (component dependsOn does not reach children)", async () => {
    const waits = new Map<string, string[]>();
    const typeOf = (r: unknown) => String((r as { __pulumiType?: string }).__pulumiType);
    new KubernetesSandbox(
      "bakeoff",
      { spec, createdAt, secretValues },
      {
        transformations: [
          (args) => {
            const deps = (args.opts.dependsOn ?? []) as unknown[];
            waits.set(`${args.type} ${args.name}`, (Array.isArray(deps) ? deps : [deps]).map(typeOf));
            return undefined;
          },
        ],
      },
    );
    await settled();
    const namespaced = [...waits].filter(
      ([key]) => key.startsWith("kubernetes:") && !key.includes(":Namespace "),
    );
    expect(namespaced.length).toBeGreaterThan(30);
    for (const [key, deps] of namespaced) {
      const waitsForNamespace =
        deps.includes("kubernetes:core/v1:Namespace") || deps.includes("sandbox:kubernetes:SandboxNamespace");
      expect(waitsForNamespace, `${key} waits for ${deps.join(", ") || "nothing"}`).toBe(true);
    }
  });

  it("renderKubernetesSandbox lists exactly the objects the components create", async () => {
    new KubernetesSandbox("bakeoff", { spec, createdAt, secretValues });
    await settled();
    const key = (o: { apiVersion?: unknown; kind?: unknown; metadata?: unknown }) =>
      `${String(o.apiVersion)}/${String(o.kind)} ${(o.metadata as { name?: string } | undefined)?.name}`;
    const fromMocks = kubernetesObjects()
      .map((r) => key(r.inputs))
      .sort();
    const rendered = renderKubernetesSandbox({ spec, createdAt });
    expect(rendered.map(key).sort()).toEqual(fromMocks);
    expect(rendered[0]?.kind).toBe("Namespace");
    for (const object of rendered) validateAgainstOpenApi(object);
  });

  it("keeps generated values as Pulumi secrets and generates the ones not given", async () => {
    new KubernetesSandbox("bakeoff", { spec, createdAt, secretValues: { "lms-b": { dbPassword: "given" } } });
    await settled();
    const secrets = kubernetesObjects().filter((r) => r.type === "kubernetes:core/v1:Secret");
    for (const secret of secrets) {
      expect(secret.inputs.stringData).toHaveProperty(["4dabf18193072939515e22adb298388d"]);
    }
    const lmsB = unwrapSecrets(secrets.find((s) => s.name === "lms-b-secrets")?.inputs) as {
      stringData: Record<string, string>;
    };
    expect(lmsB.stringData.dbPassword).toBe("given");
    expect(lmsB.stringData.adminPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it("passes IT's policy pack", async () => {
    new KubernetesSandbox("bakeoff", { spec, createdAt, secretValues });
    await settled();
    const resources = kubernetesObjects().map((r) => ({
      type: r.type,
      props: unwrapSecrets(r.inputs) as Record<string, unknown>,
    }));
    const violations = (await evaluatePolicies(itPolicies(), resources)).map(
      (v) => `${v.policy}: ${v.message}`,
    );
    expect(violations).toEqual([]);
  });

  it("refuses a docker-target spec before creating anything", () => {
    const dockerSpec = sandboxSpecSchema.parse({
      name: "x1",
      owner: "o",
      candidates: [{ catalog: "media-nginx" }],
    });
    expect(() => new KubernetesSandbox("x1", { spec: dockerSpec, createdAt })).toThrow(
      /KubernetesSandbox: invalid arguments:\n {2}- spec.target.kind is "docker", not kubernetes/,
    );
    expect(kubernetesObjects()).toEqual([]);
  });

  it("the Automation API program uses the spec's kubeconfig context through a provider", async () => {
    const program = kubernetesSandboxProgram({ spec, createdAt, secretValues, context: "it-cluster" });
    const outputs = await program();
    await settled();
    const provider = created.find((r) => r.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs).toMatchObject({ context: "it-cluster" });
    expect(await outputValue(outputs.namespace)).toBe("sandbox-bakeoff");
  });
});

describe("SandboxNamespace, LoadRunners, CourseLoader (Pulumi mocks)", () => {
  it("validates before creating anything", () => {
    expect(() => new SandboxNamespace("bad", { identity, namespace: "Bad_Name" })).toThrow(
      ComponentArgsError,
    );
    expect(() => new LoadRunners("lr", { identity, namespace, runId: "r1", runners: 0, config: "" })).toThrow(
      /LoadRunners: invalid arguments:\n {2}- runners must be a whole number from 1 to 64, got 0\n {2}- config is not JSON/,
    );
    expect(created).toEqual([]);
  });

  it("LoadRunners creates N Jobs, their configuration Secret and a token-less service account", async () => {
    const runners = new LoadRunners("lr", {
      identity,
      namespace,
      runId: "r7",
      runners: 4,
      config: "{}",
    });
    await settled();
    expect(runners.jobNames).toEqual(["load-r7-1", "load-r7-2", "load-r7-3", "load-r7-4"]);
    const jobs = created.filter((r) => r.type === "kubernetes:batch/v1:Job");
    expect(jobs).toHaveLength(4);
    const account = created.find((r) => r.type === "kubernetes:core/v1:ServiceAccount");
    expect(account?.inputs).toMatchObject({
      automountServiceAccountToken: false,
      metadata: { name: "load-r7" },
    });
    // Pulumi wraps a Secret's data as a secret value (the plain manifest is validated in kubernetes-jobs.test.ts)
    const secret = created.find((r) => r.type === "kubernetes:core/v1:Secret")?.inputs;
    expect(JSON.stringify(secret?.stringData)).toContain('"config.json":"{}"');
    for (const r of created.filter((c) => c.type.startsWith("kubernetes:"))) {
      if (r.type !== "kubernetes:core/v1:Secret") validateAgainstOpenApi(r.inputs);
    }
  });

  it("CourseLoader creates one Job under its own service account", async () => {
    new CourseLoader("c1", {
      identity,
      namespace,
      candidate: "reference-lms",
      targetUrl: "http://reference-lms:8080",
      method: "reference-lms-api",
      courseClaim: "courses",
      coursePath: "c1.zip",
    });
    await settled();
    expect(created.map((r) => r.type)).toEqual([
      "sandbox:kubernetes:CourseLoader",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:batch/v1:Job",
    ]);
    const job = created[2]?.inputs as { spec: { template: { spec: { serviceAccountName: string } } } };
    expect(job.spec.template.spec.serviceAccountName).toBe("course-loader-c1");
  });
});
