import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { cacheDir } from "../paths.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { GO_BUILD_ENV, goBuildJobs } from "./build-kubernetes.ts";
import { linkIntoTools } from "./tool-links.ts";
import {
  CNI_PLUGINS_VERSION,
  CONTAINERD_VERSION,
  KUBE_ROUTER_VERSION,
  LOCAL_PATH_PROVISIONER_VERSION,
} from "./versions.ts";

/** A program whose module has no `replace` directives, so `go install module/path@version` builds it. */
export interface GoTool {
  readonly name: string;
  readonly module: string;
  readonly version: string;
  /** package paths inside the module, each becoming one binary named after its last element. */
  readonly packages: readonly string[];
  readonly ldflags?: string;
}

export const NODE_TOOLS = {
  containerd: {
    name: "containerd",
    module: "github.com/containerd/containerd/v2",
    version: CONTAINERD_VERSION,
    packages: ["cmd/containerd", "cmd/containerd-shim-runc-v2", "cmd/ctr"],
    ldflags: `-s -w -X github.com/containerd/containerd/v2/version.Version=v${CONTAINERD_VERSION}`,
  },
  cni: {
    name: "cni-plugins",
    module: "github.com/containernetworking/plugins",
    version: CNI_PLUGINS_VERSION,
    packages: [
      "plugins/main/bridge",
      "plugins/ipam/host-local",
      "plugins/main/loopback",
      "plugins/meta/portmap",
      "plugins/meta/firewall",
    ],
    ldflags: `-s -w -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=v${CNI_PLUGINS_VERSION}`,
  },
  networkPolicies: {
    name: "kube-router",
    module: "github.com/cloudnativelabs/kube-router/v2",
    version: KUBE_ROUTER_VERSION,
    packages: ["cmd/kube-router"],
  },
  storage: {
    name: "local-path-provisioner",
    module: "github.com/rancher/local-path-provisioner",
    version: LOCAL_PATH_PROVISIONER_VERSION,
    packages: [""],
  },
} as const satisfies Record<string, GoTool>;

export const goToolDir = (tool: GoTool) => join(cacheDir(), "tools", `${tool.name}-v${tool.version}`, "bin");

/** The binaries a tool's build leaves in its folder. */
export function goToolBinaries(tool: GoTool): string[] {
  return tool.packages.map((pkg) => (pkg === "" ? basename(tool.module) : basename(pkg)));
}

export function goInstallArgs(tool: GoTool): string[] {
  const targets = tool.packages.map(
    (pkg) => `${pkg === "" ? tool.module : `${tool.module}/${pkg}`}@v${tool.version}`,
  );
  return ["go", "install", "-p", goBuildJobs(), "-trimpath", "-ldflags", tool.ldflags ?? "-s -w", ...targets];
}

/**
 * Builds (first run only, in a folder named after the release) and links a tool's binaries into
 * .tools/bin; returns the folder holding them. The build's wall time and peak memory are kept beside
 * them in `<name>.build-stats`.
 */
export async function ensureGoTool(tool: GoTool, log: Logger): Promise<string> {
  const dir = goToolDir(tool);
  const binaries = goToolBinaries(tool);
  if (!binaries.every((b) => existsSync(join(dir, b)))) {
    await mkdir(dir, { recursive: true });
    const timed = existsSync("/usr/bin/time")
      ? ["/usr/bin/time", "-v", "-o", join(dir, `${tool.name}.build-stats`)]
      : [];
    await log.step(`build ${tool.name} v${tool.version} from Go modules (first run only)`, () =>
      runProgram("nice", ["-n", "19", ...timed, ...goInstallArgs(tool)], {
        cwd: dir,
        env: { ...GO_BUILD_ENV, GOFLAGS: "", GOBIN: dir },
        failureHint: "check that the Go module proxy is reachable (`go env GOPROXY`)",
        timeout: 3_600_000,
      }),
    );
  }
  for (const b of binaries) await linkIntoTools(join(dir, b), b);
  return dir;
}
