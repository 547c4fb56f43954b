import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { kubeClientFromKubeconfig } from "../../../sandbox-cli/src/k8s-tier/kubeconfig-client.ts";

let dir = "";
const kubeconfig = (user: Record<string, string>) => `apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster: { server: "https://127.0.0.1:16443" }
users:
  - name: u
    user: ${JSON.stringify(user)}
contexts:
  - name: it-cluster
    context: { cluster: c, user: u }
current-context: it-cluster
`;
const codeOf = (error: unknown) => (isSandboxError(error) ? error.code : String(error));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kubeconfig-client-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a KubeClient for a kubeconfig's context", () => {
  it("reaches the context's server with its token", async () => {
    const path = join(dir, "token.yaml");
    await writeFile(path, kubeconfig({ token: "t0ken" }));
    expect((await kubeClientFromKubeconfig(path)).server).toBe("https://127.0.0.1:16443");
  });

  it("names a context the file does not hold, and a file that is no kubeconfig", async () => {
    const path = join(dir, "token.yaml");
    await writeFile(path, kubeconfig({ token: "t0ken" }));
    expect(codeOf(await kubeClientFromKubeconfig(path, "other").catch((e: unknown) => e))).toBe(
      "KUBE_NO_CONTEXT",
    );
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "clusters: 3\n");
    expect(codeOf(await kubeClientFromKubeconfig(bad).catch((e: unknown) => e))).toBe("KUBE_BAD_KUBECONFIG");
  });

  it("reads client certificate files relative to the kubeconfig's folder", async () => {
    const path = join(dir, "certs.yaml");
    await writeFile(path, kubeconfig({ "client-certificate": "missing.crt", "client-key": "missing.key" }));
    await expect(kubeClientFromKubeconfig(path)).rejects.toThrow(join(dir, "missing.crt"));
  });
});
