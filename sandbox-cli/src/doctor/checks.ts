import { existsSync, readFileSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { pathWithTools, stateDir } from "../paths.ts";
import { dockerEngineVersion } from "../runtime/docker.ts";
import {
  findKubernetesProviderPlugin,
  KUBERNETES_PROVIDER_VERSION,
} from "../sandbox-spec/kubernetes-target.ts";
import { baseRecipeHash, baseRecipePath, installedBaseRecipe } from "../setup/base-image.ts";
import { readDebianMirrors } from "../setup/debian-mirror.ts";
import { dynamicProviderLauncher, pulumiLink, pulumiVersionOf } from "../setup/pulumi-cli.ts";
import { BASE_IMAGE, MIN_FREE_DISK_GB, MIN_NODE_VERSION, PULUMI_VERSION } from "../toolchain.ts";
import { runProgram } from "../util/exec.ts";

export type CheckStatus = "ok" | "missing" | "outdated";

export interface CheckResult {
  name: string;
  required: boolean;
  status: CheckStatus;
  found: string | null;
  detail: string;
  fix: string;
}

const SETUP = "npm run setup";

export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, "").split(".").map(Number);
  const pb = b.replace(/^v/, "").split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

async function firstLine(program: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await runProgram(program, args, { timeout: 20_000 });
    return stdout.split("\n")[0]?.trim();
  } catch {
    return undefined;
  }
}

function result(partial: Omit<CheckResult, "found"> & { found?: string | undefined }): CheckResult {
  return { ...partial, found: partial.found ?? null };
}

export async function checkNode(): Promise<CheckResult> {
  const found = process.versions.node;
  const ok = compareVersions(found, MIN_NODE_VERSION) >= 0;
  return result({
    name: "node",
    required: true,
    status: ok ? "ok" : "outdated",
    found: `v${found}`,
    detail: `needs >= ${MIN_NODE_VERSION}`,
    fix: `install Node.js ${MIN_NODE_VERSION} or newer (nodesource or nvm)`,
  });
}

export async function checkDocker(): Promise<CheckResult> {
  const version = await dockerEngineVersion();
  return result({
    name: "docker daemon",
    required: true,
    status: version ? "ok" : "missing",
    found: version,
    detail: "Docker Engine answering on its socket",
    fix: `${SETUP} (installs Debian's docker.io and starts dockerd)`,
  });
}

export async function checkPulumi(): Promise<CheckResult> {
  const version = await pulumiVersionOf(pulumiLink());
  const launcher = existsSync(dynamicProviderLauncher());
  const status: CheckStatus = !version
    ? "missing"
    : version !== PULUMI_VERSION || !launcher
      ? "outdated"
      : "ok";
  return result({
    name: "pulumi",
    required: true,
    status,
    found: version ? `v${version}` : undefined,
    detail: `pinned v${PULUMI_VERSION} at .tools/bin, with the dynamic-provider launcher${launcher ? "" : " (launcher missing)"}`,
    fix: `${SETUP} (builds the pinned CLI with Go, cached)`,
  });
}

export async function checkFfmpeg(): Promise<CheckResult> {
  const ffmpeg = await firstLine("ffmpeg", ["-hide_banner", "-version"]);
  const ffprobe = await firstLine("ffprobe", ["-hide_banner", "-version"]);
  const version = ffmpeg?.match(/ffmpeg version (\S+)/)?.[1];
  return result({
    name: "ffmpeg",
    required: true,
    status: ffmpeg && ffprobe ? "ok" : "missing",
    found: version,
    detail: "ffmpeg and ffprobe (media packaging and course media analysis)",
    fix: `${SETUP} (or \`apt-get install -y ffmpeg\`)`,
  });
}

export async function checkChromium(): Promise<CheckResult> {
  const line = await firstLine("chromium", ["--version"]);
  return result({
    name: "chromium",
    required: false,
    status: line ? "ok" : "missing",
    found: line?.match(/Chromium (\S+)/)?.[1],
    detail: "headless browser for the report and LMS browser tests",
    fix: `${SETUP} (or \`apt-get install -y chromium\`)`,
  });
}

export async function checkKubernetesProvider(): Promise<CheckResult> {
  const found = await findKubernetesProviderPlugin({ ...process.env, PATH: pathWithTools() });
  return result({
    name: "k8s provider",
    required: false,
    status: found ? "ok" : "missing",
    found: found ? `v${KUBERNETES_PROVIDER_VERSION} (${found})` : undefined,
    detail: `Pulumi kubernetes provider plugin v${KUBERNETES_PROVIDER_VERSION}, for target kubernetes`,
    fix: "npm run k8s:provider (builds it from Go modules once)",
  });
}

export async function checkBaseImage(): Promise<CheckResult> {
  const installed = await installedBaseRecipe();
  const wanted = baseRecipeHash(readFileSync(baseRecipePath(), "utf8"), readDebianMirrors());
  const status: CheckStatus = installed === undefined ? "missing" : installed === wanted ? "ok" : "outdated";
  return result({
    name: "base image",
    required: true,
    status,
    found:
      installed === undefined ? undefined : `${BASE_IMAGE} (recipe ${installed.slice(0, 12) || "unknown"})`,
    detail: `${BASE_IMAGE} built from images/base/rootfs.sh`,
    fix: `${SETUP} (debootstrap + docker import, about a minute)`,
  });
}

export async function checkFreeDisk(path = stateDir()): Promise<CheckResult> {
  let probe = path;
  while (!existsSync(probe) && probe !== "/") probe = probe.replace(/\/[^/]*$/, "") || "/";
  const stats = await statfs(probe);
  const freeGb = (stats.bavail * stats.bsize) / 1024 ** 3;
  return result({
    name: "free disk",
    required: true,
    status: freeGb >= MIN_FREE_DISK_GB ? "ok" : "missing",
    found: `${freeGb.toFixed(1)} GB free at ${probe}`,
    detail: `needs >= ${MIN_FREE_DISK_GB} GB for images and media`,
    fix: "free disk space (`npx sandbox gc`, `docker image prune`) or set SANDBOX_STATE_DIR to a larger disk",
  });
}

export const allChecks = [
  checkNode,
  checkDocker,
  checkPulumi,
  checkFfmpeg,
  checkChromium,
  checkKubernetesProvider,
  checkBaseImage,
  checkFreeDisk,
];
