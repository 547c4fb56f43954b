import { describe, expect, it } from "vitest";
import { containerEnv } from "../../stacks/kubernetes/candidate-env.ts";
import {
  ingressManifest,
  podGroups,
  secretManifest,
  serviceAccountManifest,
  serviceManifest,
  volumeClaimManifests,
  workloadManifest,
} from "../../stacks/kubernetes/candidate-manifests.ts";
import { expiryLabel, labelValue, objectMeta } from "../../stacks/kubernetes/metadata.ts";
import { namespaceProblems, namespaceSettings } from "../../stacks/kubernetes/namespace.ts";
import {
  limitRangeManifest,
  namespaceManifest,
  networkPolicyManifests,
  ownerRoleManifest,
  resourceQuotaManifest,
  roleBindingManifests,
} from "../../stacks/kubernetes/namespace-manifests.ts";
import { candidateSettings as cs, identity, namespace, plan } from "./helpers/fixtures.ts";
import { validateAgainstOpenApi } from "./helpers/k8s-openapi.ts";

const settings = namespaceSettings({
  identity,
  ingressControllerNamespace: "ingress",
  monitoringNamespace: "prom",
});
const SANDBOX_KEYS = ["sandbox.name", "sandbox.owner", "sandbox.expires-at"];

function expectSandboxMetadata(manifest: { metadata?: { labels?: object; annotations?: object } }) {
  for (const key of SANDBOX_KEYS) {
    expect(manifest.metadata?.labels).toHaveProperty([key]);
    expect(manifest.metadata?.annotations).toHaveProperty([key]);
  }
}

describe("metadata", () => {
  it("makes label-safe values and keeps the exact text in annotations", () => {
    expect(labelValue("anna.schmidt@example.com")).toBe("anna.schmidt_at_example.com");
    expect(labelValue("Anna Schmidt (Training)")).toBe("Anna-Schmidt-Training");
    expect(labelValue("x".repeat(80))).toHaveLength(63);
    expect(expiryLabel("2026-11-29T20:40:00.000Z")).toBe("20261129T204000Z");
    expect(() => expiryLabel("tomorrow")).toThrow(/not an ISO 8601 time/);
    const meta = objectMeta(identity, "x", namespace);
    expect(meta.labels).toMatchObject({
      "sandbox.name": "bakeoff",
      "sandbox.owner": "anna.schmidt_at_example.com",
      "sandbox.expires-at": "20261129T204000Z",
    });
    expect(meta.annotations).toMatchObject({
      "sandbox.owner": "anna.schmidt@example.com",
      "sandbox.expires-at": "2026-11-29T20:40:00.000Z",
    });
  });
});

describe("namespace manifests", () => {
  it("labels the namespace with the sandbox keys and pod-security restricted", () => {
    const ns = namespaceManifest(settings);
    expect(ns.metadata?.name).toBe("sandbox-bakeoff");
    expect(ns.metadata?.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expectSandboxMetadata(ns);
  });

  it("caps the namespace and forbids load balancers and node ports in the quota", () => {
    const hard = resourceQuotaManifest(settings).spec?.hard ?? {};
    expect(hard["services.loadbalancers"]).toBe("0");
    expect(hard["services.nodeports"]).toBe("0");
    expect(hard["limits.memory"]).toBe("16Gi");
    expect(limitRangeManifest(settings).spec?.limits[0]?.defaultRequest).toEqual({
      cpu: "100m",
      memory: "128Mi",
    });
  });

  it("denies everything by default and opens only the namespace, DNS, ingress controller and monitoring", () => {
    const policies = networkPolicyManifests(settings);
    const byName = Object.fromEntries(policies.map((p) => [p.metadata?.name, p.spec]));
    expect(byName["default-deny-all"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(byName["allow-dns"]?.egress?.[0]?.ports).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
    const ingressFrom = policies.flatMap((p) => p.spec?.ingress ?? []).flatMap((rule) => rule.from ?? []);
    const namespaces = ingressFrom.map(
      (peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"],
    );
    expect(namespaces.filter(Boolean).sort()).toEqual(["ingress", "prom"]);
    // no rule opens egress to anything but the namespace itself and kube-dns
    const egressTo = policies.flatMap((p) => p.spec?.egress ?? []).flatMap((rule) => rule.to ?? []);
    expect(egressTo).toHaveLength(2);
  });

  it("gives the owner a namespaced Role, read-only on IT's guardrails, and IT's group the view role", () => {
    const role = ownerRoleManifest(settings);
    expect(role.kind).toBe("Role");
    expect(role.metadata?.namespace).toBe(namespace);
    const writable = role.rules?.filter((r) => r.verbs.includes("delete")).flatMap((r) => r.resources ?? []);
    expect(writable).toContain("deployments");
    for (const guarded of ["resourcequotas", "limitranges", "networkpolicies", "roles", "rolebindings"]) {
      expect(writable).not.toContain(guarded);
    }
    expect(role.rules?.flatMap((r) => r.resources ?? [])).not.toContain("*");
    const [owner, it] = roleBindingManifests(settings);
    expect(owner?.subjects).toEqual([
      { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "anna.schmidt@example.com" },
    ]);
    expect(it?.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" });
    expect(it?.subjects?.[0]).toMatchObject({ kind: "Group", name: "it-sandbox-viewers" });
  });

  it("names each bad argument", () => {
    const bad = namespaceSettings({
      identity,
      namespace: "Sandbox_X",
      monitoringNamespace: "Sandbox_X",
      itViewerGroup: " ",
    });
    expect(namespaceProblems(bad)).toEqual([
      "namespace \"Sandbox_X\" must be a DNS label (a-z, 0-9, '-', at most 63 characters)",
      "monitoringNamespace \"Sandbox_X\" must be a DNS label (a-z, 0-9, '-', at most 63 characters)",
      "itViewerGroup must not be empty",
      "namespace \"Sandbox_X\" must differ from the ingress controller's and monitoring's namespaces",
    ]);
    expect(namespaceProblems(settings)).toEqual([]);
  });
});

describe("candidate manifests", () => {
  const [cronLms] = plan("cron-lms");
  if (!cronLms) throw new Error("cron-lms is a fixture");
  const groups = podGroups(cronLms);
  const db = groups.find((g) => g.main.role !== "app");
  const app = groups.find((g) => g.main.role === "app");

  it("runs the database alone and the cron worker beside the app (they share ReadWriteOnce volumes)", () => {
    expect(groups.map((g) => [g.main.name, g.workers.map((w) => w.name)])).toEqual([
      ["cron-lms-database", []],
      ["cron-lms", ["cron-lms-cron"]],
    ]);
  });

  it("makes the database a StatefulSet with a claim template and the app a Deployment with PVCs", () => {
    if (!db || !app) throw new Error("groups");
    const sts = workloadManifest(cs, db);
    expect(sts.kind).toBe("StatefulSet");
    expect(
      sts.kind === "StatefulSet" && sts.spec?.volumeClaimTemplates?.map((t) => t.metadata?.name),
    ).toEqual(["cron-lms-database-data"]);
    expect(volumeClaimManifests(cs, db)).toEqual([]);
    const deployment = workloadManifest(cs, app);
    expect(deployment.kind).toBe("Deployment");
    expect(deployment.kind === "Deployment" && deployment.spec?.strategy?.type).toBe("Recreate");
    const pod = deployment.spec?.template.spec;
    expect(pod?.containers.map((c) => c.name)).toEqual(["main", "cron"]);
    expect(pod?.containers[1]?.command?.[0]).toBe("sh");
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.serviceAccountName).toBe("cron-lms");
    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    for (const c of pod?.containers ?? []) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
      expect(c.resources?.requests).toBeDefined();
      expect(c.resources?.limits).toBeDefined();
    }
    expect(deployment.spec?.template.metadata?.annotations).toMatchObject({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8080",
      "prometheus.io/path": "/metrics",
    });
    expect(volumeClaimManifests(cs, app).map((c) => c.metadata?.name)).toEqual([
      "cron-lms-code",
      "cron-lms-data",
    ]);
  });

  it("resolves env templates: secrets from the Secret, dependencies by Service name, self by ingress host", () => {
    if (!app || !db) throw new Error("groups");
    const env = containerEnv(app.main, cronLms, {
      secretName: "cron-lms-secrets",
      selfHost: "cron-lms.bakeoff.x",
    });
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    expect(byName.DB_HOST?.value).toBe("cron-lms-database");
    expect(byName.DB_PORT?.value).toBe("5432");
    expect(byName.ADMIN_PASSWORD?.valueFrom?.secretKeyRef).toEqual({
      name: "cron-lms-secrets",
      key: "adminPassword",
    });
    expect(byName.SELF_HOST?.value).toBe("cron-lms.bakeoff.x");
    const dbEnv = containerEnv(db.main, cronLms, { secretName: "cron-lms-secrets", selfHost: "h" });
    expect(dbEnv.find((e) => e.name === "POSTGRES_PASSWORD")?.valueFrom?.secretKeyRef?.key).toBe(
      "dbPassword",
    );
  });

  it("defines a mixed secret before the value that expands it", () => {
    const [lms] = plan("reference-lms");
    const main = lms?.instances.find((i) => i.role === "app");
    if (!lms || !main) throw new Error("reference-lms");
    const env = containerEnv(main, lms, { secretName: "s", selfHost: "h" });
    const url = env.findIndex((e) => e.name === "DATABASE_URL");
    const helper = env.findIndex((e) => e.name === "SANDBOX_SECRET_DB_PASSWORD");
    expect(helper).toBeGreaterThanOrEqual(0);
    expect(helper).toBeLessThan(url);
    expect(env[url]?.value).toBe(
      "postgres://lms:$(SANDBOX_SECRET_DB_PASSWORD)@reference-lms-database:5432/lms",
    );
  });

  it("exposes the app by host through the ingress, never the database", () => {
    if (!app || !db) throw new Error("groups");
    const ingress = ingressManifest(cs, app);
    expect(ingress?.spec?.rules?.[0]?.host).toBe("cron-lms.bakeoff.sandbox.example.internal");
    expect(ingress?.spec?.ingressClassName).toBe("nginx");
    expect(ingressManifest(cs, db)).toBeUndefined();
    expect(serviceManifest(cs, db)?.spec?.type).toBe("ClusterIP");
  });

  it("leaves readiness to Pulumi by default; with skipAwait the caller waits on the pods (the CLI's up)", () => {
    if (!app || !db) throw new Error("groups");
    const skip = "pulumi.com/skipAwait";
    const objects = (s: typeof cs) => [
      workloadManifest(s, app),
      workloadManifest(s, db),
      serviceManifest(s, app),
      ingressManifest(s, app),
    ];
    for (const object of objects(cs)) expect(object?.metadata?.annotations?.[skip]).toBeUndefined();
    for (const object of objects({ ...cs, skipAwait: true }))
      expect(object?.metadata?.annotations?.[skip]).toBe("true");
    // the pods themselves carry no such annotation
    expect(
      workloadManifest({ ...cs, skipAwait: true }, app).spec?.template.metadata?.annotations?.[skip],
    ).toBeUndefined();
  });

  it("renders every object valid against the Kubernetes OpenAPI schema, with the sandbox metadata", () => {
    const objects = plan("reference-lms", "cron-lms", "media-nginx").flatMap((candidate) => [
      secretManifest(cs, candidate, { dbPassword: "a", adminPassword: "b" }),
      ...podGroups(candidate).flatMap((group) => [
        workloadManifest(cs, group),
        serviceAccountManifest(cs, group),
        ...volumeClaimManifests(cs, group),
        ...[serviceManifest(cs, group), ingressManifest(cs, group)].filter((m) => m !== undefined),
      ]),
    ]);
    const nsObjects = [
      namespaceManifest(settings),
      resourceQuotaManifest(settings),
      limitRangeManifest(settings),
      ...networkPolicyManifests(settings),
      ownerRoleManifest(settings),
      ...roleBindingManifests(settings),
    ];
    for (const manifest of [...objects, ...nsObjects]) {
      validateAgainstOpenApi(manifest as unknown as Record<string, unknown>);
      expectSandboxMetadata(manifest);
    }
    expect(objects.length).toBeGreaterThan(15);
  });

  it("the OpenAPI check catches a wrong object", () => {
    if (!app) throw new Error("groups");
    const broken = structuredClone(workloadManifest(cs, app)) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = "one";
    expect(() => validateAgainstOpenApi(broken as unknown as Record<string, unknown>)).toThrow(
      /apps\/v1\/Deployment "cron-lms" does not match the Kubernetes OpenAPI schema: .*replicas must be integer/,
    );
  });
});
