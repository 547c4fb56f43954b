import type { V1Service } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  envLines,
  podPortFor,
  serviceHostnames,
} from "../../../sandbox-cli/src/sandbox/kubernetes-lookups.ts";
import { credentialsFromEnv, lastingUrl } from "../../../sandbox-cli/src/sandbox/view.ts";
import { pod } from "../../helpers/pods.ts";

const service = (targetPort: number | string): V1Service => ({
  metadata: { name: "media-nginx" },
  spec: { ports: [{ name: "http", port: 8080, targetPort: targetPort as never }] },
});

describe("the kubernetes lookups' pure parts", () => {
  it("a Service's named target port is the pod's container port of that name", () => {
    const p = pod("media-nginx-7d9f", "media-nginx");
    expect(podPortFor(service("http"), p)).toEqual({ servicePort: 8080, podPort: 8080 });
    expect(podPortFor(service(9000), p)).toEqual({ servicePort: 8080, podPort: 9000 });
    expect(podPortFor(service("metrics"), p)).toBeUndefined();
    expect(podPortFor({ metadata: { name: "x" }, spec: {} }, p)).toBeUndefined();
  });

  it("the learners' interlock owns every name a pod reaches the Service by", () => {
    expect(serviceHostnames("media-nginx", "sandbox-k8s-local")).toEqual([
      "media-nginx",
      "media-nginx.sandbox-k8s-local",
      "media-nginx.sandbox-k8s-local.svc",
      "media-nginx.sandbox-k8s-local.svc.cluster.local",
    ]);
  });

  it("the reference LMS's admin account comes from its env, the password from the candidate's Secret", async () => {
    const secrets: Record<string, Record<string, string>> = {
      "reference-lms-secrets": { adminPassword: "s3cret-pw", dbPassword: "db-pw" },
    };
    const lines = await envLines(
      {
        name: "main",
        env: [
          {
            name: "SANDBOX_SECRET_DB_PASSWORD",
            valueFrom: { secretKeyRef: { name: "reference-lms-secrets", key: "dbPassword" } },
          },
          {
            name: "ADMIN_PASSWORD",
            valueFrom: { secretKeyRef: { name: "reference-lms-secrets", key: "adminPassword" } },
          },
          { name: "ADMIN_USER", value: "admin" },
          { name: "GONE", valueFrom: { secretKeyRef: { name: "other", key: "x" } } },
        ],
      },
      async (secret, key) => secrets[secret]?.[key],
    );
    expect(lines).toEqual([
      "SANDBOX_SECRET_DB_PASSWORD=db-pw",
      "ADMIN_PASSWORD=s3cret-pw",
      "ADMIN_USER=admin",
    ]);
    expect(credentialsFromEnv("reference-lms", lines)).toEqual({ username: "admin", password: "s3cret-pw" });
    expect(credentialsFromEnv("media-nginx", lines)).toBeUndefined();
  });
});

describe("URLs printed after a command", () => {
  const target = {
    candidate: "media-nginx",
    catalogId: "media-nginx",
    kind: "media" as const,
    baseUrl: "http://127.0.0.1:41234",
    loopbackUrl: "http://127.0.0.1:41234",
    container: "sandbox-k8s-local/media-nginx-7d9f",
    internal: { host: "media-nginx.sandbox-k8s-local.svc", port: 8080 },
  };

  it("a port-forward's URL becomes the Service's in-cluster URL; docker's loopback URL stays", () => {
    const pod = {
      kubeconfig: "/k",
      namespace: "sandbox-k8s-local",
      pod: "media-nginx-7d9f",
      container: "main",
    };
    expect(lastingUrl({ ...target, pod }, "http://127.0.0.1:41234/media/x/master.m3u8")).toBe(
      "http://media-nginx.sandbox-k8s-local.svc:8080/media/x/master.m3u8",
    );
    expect(lastingUrl(target, "http://127.0.0.1:41234/media/x/master.m3u8")).toBe(
      "http://127.0.0.1:41234/media/x/master.m3u8",
    );
  });
});
