/**
 * Node programs built from a small main package of ours over their module, holding only the parts the
 * node uses: upstream's own main links every cloud plugin (CoreDNS: Route 53, Azure DNS, Cloud DNS, etcd,
 * ...; the registry: S3, Azure and GCS storage), most of their build time on two shared cores.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cacheDir } from "../paths.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { GO_BUILD_ENV, goBuild } from "./build-kubernetes.ts";
import { linkIntoTools } from "./tool-links.ts";
import { COREDNS_VERSION, REGISTRY_VERSION } from "./versions.ts";

export interface GoMainTool {
  readonly name: string;
  readonly module: string;
  readonly version: string;
  /** the main package's source. */
  readonly mainGo: string;
}

/** CoreDNS with the plugins of the cluster's Corefile (cluster-dns.ts), in CoreDNS's own directive order. */
const COREDNS_MAIN = `package main

import (
\t"github.com/coredns/coredns/core/dnsserver"
\t"github.com/coredns/coredns/coremain"
\t_ "github.com/coredns/coredns/plugin/cache"
\t_ "github.com/coredns/coredns/plugin/errors"
\t_ "github.com/coredns/coredns/plugin/health"
\t_ "github.com/coredns/coredns/plugin/kubernetes"
\t_ "github.com/coredns/coredns/plugin/loop"
\t_ "github.com/coredns/coredns/plugin/ready"
)

func init() {
\tdnsserver.Directives = []string{"ready", "health", "errors", "cache", "kubernetes", "loop"}
}

func main() { coremain.Run() }
`;

/** The distribution registry with filesystem storage only (node-config.ts' registryConfigYaml). */
const REGISTRY_MAIN = `package main

import (
\t"github.com/distribution/distribution/v3/registry"
\t_ "github.com/distribution/distribution/v3/registry/storage/driver/filesystem"
)

func main() { _ = registry.RootCmd.Execute() }
`;

export const MAIN_TOOLS = {
  coredns: {
    name: "coredns",
    module: "github.com/coredns/coredns",
    version: COREDNS_VERSION,
    mainGo: COREDNS_MAIN,
  },
  registry: {
    name: "registry",
    module: "github.com/distribution/distribution/v3",
    version: REGISTRY_VERSION,
    mainGo: REGISTRY_MAIN,
  },
} as const satisfies Record<string, GoMainTool>;

export const goMainToolDir = (tool: GoMainTool) =>
  join(cacheDir(), "tools", `${tool.name}-v${tool.version}-node`);

export function mainToolGoMod(tool: GoMainTool): string {
  return `module sandbox.local/${tool.name}-build\n\ngo 1.26.0\n\nrequire ${tool.module} v${tool.version}\n`;
}

/**
 * Builds (first run only) and links the tool into .tools/bin; returns the folder holding its binary
 * (`bin/<name>`, with `<name>.build-stats` beside it).
 */
export async function ensureGoMainTool(tool: GoMainTool, log: Logger): Promise<string> {
  const dir = goMainToolDir(tool);
  const binary = join(dir, "bin", tool.name);
  if (!existsSync(binary)) {
    await log.step(`build ${tool.name} v${tool.version} from Go modules (first run only)`, async () => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "go.mod"), mainToolGoMod(tool));
      await writeFile(join(dir, "main.go"), tool.mainGo);
      await runProgram("nice", ["-n", "19", "go", "mod", "tidy"], {
        cwd: dir,
        env: GO_BUILD_ENV,
        failureHint: "check that the Go module proxy is reachable (`go env GOPROXY`)",
        timeout: 1_800_000,
      });
      await goBuild({ cwd: dir, ldflags: "-s -w", output: binary, main: "." });
    });
  }
  await linkIntoTools(binary, tool.name);
  return join(dir, "bin");
}
