/**
 * Pure builders for the throwaway Go module that builds Kubernetes binaries: k8s.io/kubernetes points
 * its k8s.io/* staging modules at ./staging (a `replace` that only works inside its own repository), so
 * the wrapper repeats each one as a replace to the published v0.X.Y release.
 */

/** The staging module paths named by `replace k8s.io/x => ./staging/...` lines of k8s.io/kubernetes' go.mod. */
export function stagingModules(kubernetesGoMod: string): string[] {
  const modules = new Set<string>();
  for (const line of kubernetesGoMod.split("\n")) {
    const match = /^\s*(k8s\.io\/[A-Za-z0-9._-]+)\s+=>\s+\.\/staging\//.exec(line);
    if (match?.[1]) modules.add(match[1]);
  }
  return [...modules].sort();
}

export interface WrapperModuleArgs {
  readonly kubernetesVersion: string;
  readonly stagingVersion: string;
  readonly stagingModules: readonly string[];
  /** the `go` directive; at least the one k8s.io/kubernetes asks for. */
  readonly goVersion: string;
}

export function wrapperGoMod(args: WrapperModuleArgs): string {
  if (args.stagingModules.length === 0) {
    throw new Error(
      "k8s.io/kubernetes' go.mod names no ./staging replacements: is it really k8s.io/kubernetes?",
    );
  }
  const replaces = args.stagingModules.map((m) => `\t${m} => ${m} ${args.stagingVersion}`).join("\n");
  return [
    "module sandbox.local/k8s-tier-build",
    "",
    `go ${args.goVersion}`,
    "",
    `require k8s.io/kubernetes v${args.kubernetesVersion}`,
    "",
    `replace (\n${replaces}\n)`,
    "",
  ].join("\n");
}

/** A build-tagged file importing the commands, so `go mod tidy` records every dependency they need. */
export function toolsGoFile(packages: readonly string[]): string {
  const imports = packages.map((p) => `\t_ "${p}"`).join("\n");
  return `//go:build tools\n\npackage tools\n\nimport (\n${imports}\n)\n`;
}

/** The `go` directive of a go.mod ("1.26.0"), or undefined. */
export function goDirective(goMod: string): string | undefined {
  return /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod)?.[1];
}

/** -ldflags so the binaries report the release they were built from (`kube-apiserver --version`). */
export function versionLdflags(kubernetesVersion: string): string {
  const [major, minor] = kubernetesVersion.split(".");
  const pkg = "k8s.io/component-base/version";
  return [
    "-s -w",
    `-X ${pkg}.gitVersion=v${kubernetesVersion}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ].join(" ");
}
