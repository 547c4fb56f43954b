import { describe, expect, it } from "vitest";
import {
  goDirective,
  stagingModules,
  toolsGoFile,
  versionLdflags,
  wrapperGoMod,
} from "../../sandbox-cli/src/k8s-tier/go-wrapper.ts";
import { kubeconfigYaml } from "../../sandbox-cli/src/k8s-tier/kubeconfig.ts";
import { stagingVersion } from "../../sandbox-cli/src/k8s-tier/versions.ts";

const upstream = `module k8s.io/kubernetes

go 1.26.0

replace (
\tk8s.io/api => ./staging/src/k8s.io/api
\tk8s.io/client-go => ./staging/src/k8s.io/client-go
\tgithub.com/other/thing => github.com/other/thing v1.0.0
)
`;

describe("the kubernetes wrapper module", () => {
  it("replaces every ./staging module with its published v0.X.Y release", () => {
    expect(stagingModules(upstream)).toEqual(["k8s.io/api", "k8s.io/client-go"]);
    expect(stagingVersion("1.37.2")).toBe("v0.37.2");
    const goMod = wrapperGoMod({
      kubernetesVersion: "1.37.2",
      stagingVersion: "v0.37.2",
      stagingModules: stagingModules(upstream),
      goVersion: goDirective(upstream) ?? "",
    });
    expect(goMod).toContain("go 1.26.0");
    expect(goMod).toContain("require k8s.io/kubernetes v1.37.2");
    expect(goMod).toContain("\tk8s.io/client-go => k8s.io/client-go v0.37.2");
    expect(goMod).not.toContain("github.com/other/thing");
  });

  it("refuses a go.mod without staging replacements", () => {
    expect(() =>
      wrapperGoMod({
        kubernetesVersion: "1.37.2",
        stagingVersion: "v0.37.2",
        stagingModules: [],
        goVersion: "1.26",
      }),
    ).toThrow(/names no \.\/staging replacements/);
  });

  it("imports the commands under a build tag and stamps the release into the binaries", () => {
    expect(toolsGoFile(["k8s.io/kubernetes/cmd/kube-apiserver"])).toMatch(
      /^\/\/go:build tools\n[\s\S]*_ "k8s.io\/kubernetes\/cmd\/kube-apiserver"/,
    );
    expect(versionLdflags("1.37.2")).toContain("-X k8s.io/component-base/version.gitVersion=v1.37.2");
    expect(versionLdflags("1.37.2")).toContain("gitMinor=37");
  });

  it("writes a kubeconfig whose current context names the cluster and the user", () => {
    const text = kubeconfigYaml({
      server: "https://127.0.0.1:6443",
      caCert: "/t/ca.crt",
      clientCert: "/t/a.crt",
      clientKey: "/t/a.key",
      user: "admin",
      context: "tier",
    });
    expect(text).toContain("current-context: tier");
    expect(text).toContain("server: https://127.0.0.1:6443");
    expect(text).toContain("client-key: /t/a.key");
  });
});
