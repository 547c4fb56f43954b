import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { missingToolError } from "../errors.ts";
import { cacheDir } from "../paths.ts";
import { hasProgram, runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { goDirective, stagingModules, toolsGoFile, versionLdflags, wrapperGoMod } from "./go-wrapper.ts";
import { linkIntoTools } from "./tool-links.ts";
import { KUBERNETES_VERSION, stagingVersion } from "./versions.ts";

export const KUBE_COMMANDS = [
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubelet",
  "kube-proxy",
] as const;
export type KubeCommand = (typeof KUBE_COMMANDS)[number];

export const kubernetesBuildDir = (version = KUBERNETES_VERSION) =>
  join(cacheDir(), "tools", `k8s-v${version}`);

/**
 * How many packages a Go build compiles at once: every core by default (the builds run at the lowest
 * priority, so the machine stays usable); `SANDBOX_GO_BUILD_JOBS=1` for a machine already busy.
 */
export const goBuildJobs = (env: NodeJS.ProcessEnv = process.env): string => {
  const wanted = Number(env.SANDBOX_GO_BUILD_JOBS);
  return String(Number.isInteger(wanted) && wanted > 0 ? wanted : availableParallelism());
};

/** Go builds: lowest priority, no cgo (the binaries then run anywhere on this architecture). */
export const GO_BUILD_ENV = {
  GOTOOLCHAIN: "local",
  GOFLAGS: "-mod=mod",
  CGO_ENABLED: "0",
};
const GO_HINT = "check that the Go module proxy is reachable (`go env GOPROXY`) and that Go is new enough";

export async function goVersionOf(binary: string, args: readonly string[]): Promise<string | undefined> {
  try {
    const { stdout } = await runProgram(binary, args, { timeout: 30_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** Builds (first run only) and links kube-apiserver and kube-controller-manager into .tools/bin. */
export async function ensureKubernetesBinaries(log: Logger): Promise<Record<KubeCommand, string>> {
  const dir = kubernetesBuildDir();
  const paths = {} as Record<KubeCommand, string>;
  for (const command of KUBE_COMMANDS) {
    const binary = join(dir, "bin", command);
    const version = await goVersionOf(binary, ["--version"]);
    if (version !== `Kubernetes v${KUBERNETES_VERSION}`) {
      await log.step(`build ${command} v${KUBERNETES_VERSION} from Go modules (first run only, slow)`, () =>
        buildCommand(command, binary),
      );
    }
    paths[command] = await linkIntoTools(binary, command);
  }
  return paths;
}

async function prepareWrapperModule(dir: string): Promise<void> {
  if (existsSync(join(dir, "go.sum")) && existsSync(join(dir, "tools.go"))) return;
  if (!(await hasProgram("go"))) {
    throw missingToolError(
      "GO_MISSING",
      "building kube-apiserver needs Go, and no `go` is on PATH",
      "install Go 1.26 or newer (`go.mod` of k8s.io/kubernetes says which)",
    );
  }
  await mkdir(dir, { recursive: true });
  const { stdout } = await runProgram(
    "go",
    ["mod", "download", "-json", `k8s.io/kubernetes@v${KUBERNETES_VERSION}`],
    { cwd: dir, env: GO_BUILD_ENV, failureHint: GO_HINT, timeout: 600_000 },
  );
  const info = JSON.parse(stdout) as { GoMod?: string; Error?: string };
  if (!info.GoMod) throw missingToolError("K8S_MODULE_MISSING", info.Error ?? "no go.mod", GO_HINT);
  const upstream = await readFile(info.GoMod, "utf8");
  await writeFile(
    join(dir, "go.mod"),
    wrapperGoMod({
      kubernetesVersion: KUBERNETES_VERSION,
      stagingVersion: stagingVersion(),
      stagingModules: stagingModules(upstream),
      goVersion: goDirective(upstream) ?? "1.26.0",
    }),
  );
  await writeFile(join(dir, "tools.go"), toolsGoFile(KUBE_COMMANDS.map((c) => `k8s.io/kubernetes/cmd/${c}`)));
  await rm(join(dir, "go.sum"), { force: true });
  await runProgram("nice", ["-n", "19", "go", "mod", "tidy"], {
    cwd: dir,
    env: GO_BUILD_ENV,
    failureHint: GO_HINT,
    timeout: 1_800_000,
  });
}

async function buildCommand(command: KubeCommand, output: string): Promise<void> {
  const dir = kubernetesBuildDir();
  await prepareWrapperModule(dir);
  await goBuild({
    cwd: dir,
    ldflags: versionLdflags(KUBERNETES_VERSION),
    output,
    main: `k8s.io/kubernetes/cmd/${command}`,
  });
}

/** `go build` at the lowest priority (see `goBuildJobs`). */
export async function goBuild(args: {
  cwd: string;
  ldflags: string;
  output: string;
  main: string;
  env?: Record<string, string>;
}): Promise<void> {
  // /usr/bin/time keeps each build's wall time and peak memory next to the binary (`<binary>.build-stats`).
  const timed = existsSync("/usr/bin/time")
    ? ["/usr/bin/time", "-v", "-o", `${args.output}.build-stats`]
    : [];
  await mkdir(dirname(args.output), { recursive: true });
  await runProgram(
    "nice",
    [
      "-n",
      "19",
      ...timed,
      "go",
      "build",
      "-p",
      goBuildJobs(),
      "-trimpath",
      "-ldflags",
      args.ldflags,
      "-o",
      args.output,
      args.main,
    ],
    { cwd: args.cwd, env: args.env ?? GO_BUILD_ENV, failureHint: GO_HINT, timeout: 7_200_000 },
  );
}
