import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode, isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import {
  assertKubernetesTargetDeployable,
  checkKubernetesTarget,
  kubeconfigPath,
} from "../../../sandbox-cli/src/spec/kubernetes-target.ts";
import { parseSpecText } from "../../../sandbox-cli/src/spec/load-spec.ts";

const dir = mkdtempSync(join(tmpdir(), "sandbox-kube-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const specWith = (target: string) =>
  parseSpecText(`name: bake\nowner: anna\ncandidates: [{ catalog: reference-lms }]\ntarget: ${target}\n`)
    .spec;

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isSandboxError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: dev
contexts:
  - name: dev
    context: { cluster: dev, user: dev }
  - name: it-cluster
    context: { cluster: it, user: anna }
`;

describe("checkKubernetesTarget (no cluster here: exit 3 with the fix)", () => {
  it("no kubeconfig: names the path and says how to get a cluster", async () => {
    const missing = join(dir, "nope", "config");
    const error = await refusal(
      checkKubernetesTarget(specWith("{ kind: kubernetes }"), { KUBECONFIG: missing }),
    );
    expect(error.code).toBe("KUBE_NO_CLUSTER");
    expect(error.exitCode).toBe(ExitCode.missingTool);
    expect(error.message).toBe(
      `target kubernetes needs a cluster, but there is no kubeconfig at ${missing} (no cluster is configured on this machine)`,
    );
    expect(error.hint).toBe(
      "ask IT for a kubeconfig for the sandbox cluster, or set `target: { kind: docker }` to run on this machine; point target.kubeconfig or $KUBECONFIG at it",
    );
  });

  it("a kubeconfig without the wanted context lists the contexts it has", async () => {
    const file = join(dir, "config");
    writeFileSync(file, KUBECONFIG);
    const error = await refusal(
      checkKubernetesTarget(specWith(`{ kind: kubernetes, kubeconfig: ${file}, context: prod }`), {}),
    );
    expect(error.code).toBe("KUBE_NO_CONTEXT");
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(`kubeconfig ${file} has no context "prod" (contexts: dev, it-cluster)`);
  });

  it("passes with a known context and names the namespace", async () => {
    const file = join(dir, "config");
    writeFileSync(file, KUBECONFIG);
    await expect(
      checkKubernetesTarget(specWith("{ kind: kubernetes, context: it-cluster }"), { KUBECONFIG: file }),
    ).resolves.toEqual({
      kubeconfigPath: file,
      context: "it-cluster",
      namespace: "sandbox-bake",
    });
  });

  it("finds the kubeconfig the way kubectl does", () => {
    const target = specWith("{ kind: kubernetes }").target;
    if (target.kind !== "kubernetes") throw new Error("kubernetes");
    expect(kubeconfigPath(target, { KUBECONFIG: `/a/one:/b/two`, HOME: "/home/x" })).toBe("/a/one");
    expect(kubeconfigPath(target, { HOME: "/home/x" })).toBe("/home/x/.kube/config");
  });
});

describe("assertKubernetesTargetDeployable", () => {
  it("with a cluster but no kubernetes provider plugin: exit 3 naming the plugin and the fix", async () => {
    const file = join(dir, "config2");
    writeFileSync(file, KUBECONFIG);
    const env = { KUBECONFIG: file, PULUMI_HOME: join(dir, "pulumi-home"), PATH: join(dir, "empty-bin") };
    const error = await refusal(assertKubernetesTargetDeployable(specWith("{ kind: kubernetes }"), env));
    expect(error.code).toBe("KUBE_PROVIDER_MISSING");
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      "the Pulumi kubernetes provider plugin (resource-kubernetes v4.34.2) is not installed",
    );
    expect(error.hint).toContain("pulumi plugin install resource kubernetes v4.34.2");
  });

  it("without a kubeconfig, the cluster is what it names first", async () => {
    const error = await refusal(
      assertKubernetesTargetDeployable(specWith("{ kind: kubernetes }"), {
        KUBECONFIG: join(dir, "missing"),
        PATH: "",
      }),
    );
    expect(error.code).toBe("KUBE_NO_CLUSTER");
  });

  it("passes when both are there", async () => {
    const file = join(dir, "config3");
    writeFileSync(file, KUBECONFIG);
    const home = join(dir, "home-with-plugin");
    mkdirSync(join(home, "plugins", "resource-kubernetes-v4.34.2"), { recursive: true });
    await expect(
      assertKubernetesTargetDeployable(specWith("{ kind: kubernetes }"), {
        KUBECONFIG: file,
        PULUMI_HOME: home,
        PATH: "",
      }),
    ).resolves.toMatchObject({ namespace: "sandbox-bake", context: undefined });
  });
});
