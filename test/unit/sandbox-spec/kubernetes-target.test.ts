import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode, isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { standaloneProviderGoMod } from "../../../sandbox-cli/src/k8s-tier/provider-plugin.ts";
import {
  assertKubernetesTargetDeployable,
  checkKubernetesTarget,
  KUBERNETES_PROVIDER_VERSION,
  kubeconfigPath,
} from "../../../sandbox-cli/src/sandbox-spec/kubernetes-target.ts";
import { parseSpecText, withTargetKind } from "../../../sandbox-cli/src/sandbox-spec/load-spec.ts";

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
      "the Pulumi kubernetes provider plugin (resource-kubernetes v4.25.0) is not installed",
    );
    expect(error.hint).toContain("npm run k8s:provider");
    expect(error.hint).toContain("pulumi plugin install resource kubernetes v4.25.0");
  });

  it("asks for the plugin at exactly the version of the installed @pulumi/kubernetes", () => {
    const pkg = createRequire(import.meta.url)("@pulumi/kubernetes/package.json") as {
      version: string;
      pulumi: { version: string };
    };
    expect(KUBERNETES_PROVIDER_VERSION).toBe(pkg.version);
    expect(KUBERNETES_PROVIDER_VERSION).toBe(pkg.pulumi.version);
  });

  it("a plugin of another version does not count", async () => {
    const file = join(dir, "config4");
    writeFileSync(file, KUBECONFIG);
    const home = join(dir, "home-with-old-plugin");
    mkdirSync(join(home, "plugins", "resource-kubernetes-v4.34.2"), { recursive: true });
    const error = await refusal(
      assertKubernetesTargetDeployable(specWith("{ kind: kubernetes }"), {
        KUBECONFIG: file,
        PULUMI_HOME: home,
        PATH: "",
      }),
    );
    expect(error.code).toBe("KUBE_PROVIDER_MISSING");
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
    mkdirSync(join(home, "plugins", "resource-kubernetes-v4.25.0"), { recursive: true });
    await expect(
      assertKubernetesTargetDeployable(specWith("{ kind: kubernetes }"), {
        KUBECONFIG: file,
        PULUMI_HOME: home,
        PATH: "",
      }),
    ).resolves.toMatchObject({ namespace: "sandbox-bake", context: undefined });
  });
});

describe("the provider plugin's Go module, built outside its repository", () => {
  it("drops only the replace that points the SDK at ../sdk", () => {
    const upstream = [
      "module github.com/pulumi/pulumi-kubernetes/provider/v4",
      "",
      "go 1.24.7",
      "",
      "replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => ../sdk",
      "",
      "replace github.com/other/module => github.com/fork/module v1.0.0",
      "",
      "require github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.24.0",
    ].join("\n");
    const standalone = standaloneProviderGoMod(upstream);
    expect(standalone).not.toContain("../sdk");
    expect(standalone).toContain("replace github.com/other/module => github.com/fork/module v1.0.0");
    expect(standalone).toContain("require github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.24.0");
  });
});

describe("sandbox up --target", () => {
  const loaded = (target: string) => ({
    ...parseSpecText(
      `name: bake\nowner: anna\ncandidates: [{ catalog: reference-lms }]\ntarget: ${target}\n`,
    ),
    path: join(dir, "sandbox.yaml"),
    sha256: "0".repeat(64),
  });

  it("moves a docker spec onto the kubernetes target with its defaults, and keeps a spec's own settings", () => {
    expect(withTargetKind(loaded("{ kind: docker }"), "kubernetes").spec.target).toMatchObject({
      kind: "kubernetes",
    });
    const own = loaded("{ kind: kubernetes, context: lab, namespace: training-lab }");
    expect(withTargetKind(own, "kubernetes").spec.target).toMatchObject({
      context: "lab",
      namespace: "training-lab",
    });
  });

  it("refuses a kind it does not know, with the fix", () => {
    try {
      withTargetKind(loaded("{ kind: docker }"), "openshift");
      expect.unreachable();
    } catch (error) {
      expect(isSandboxError(error) && error.code).toBe("SPEC_BAD_TARGET");
      expect(isSandboxError(error) && error.hint).toBe("use --target docker or --target kubernetes");
    }
  });
});
