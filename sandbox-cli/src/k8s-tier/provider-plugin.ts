import { existsSync } from "node:fs";
import { chmod, cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { missingToolError } from "../errors.ts";
import { cacheDir, toolsBinDir } from "../paths.ts";
import {
  findKubernetesProviderPlugin,
  KUBERNETES_PROVIDER_VERSION,
} from "../sandbox-spec/kubernetes-target.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { GO_BUILD_ENV, goBuild } from "./build-kubernetes.ts";
import { linkIntoTools } from "./tool-links.ts";
import { PROVIDER_MODULE, PROVIDER_SOURCE_VERSION } from "./versions.ts";

export interface ProviderPluginStatus {
  readonly installed: boolean;
  /** why the plugin is not there and could not be built. */
  readonly reason?: string;
}

const GO_HINT = "check that the Go module proxy is reachable (`go env GOPROXY`)";
const VERSION_PACKAGE = "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version";

export const providerBuildDir = () =>
  join(cacheDir(), "tools", `pulumi-kubernetes-v${KUBERNETES_PROVIDER_VERSION}`);

/**
 * The provider's go.mod points its SDK at the repository's `../sdk` folder, which a module download
 * does not carry: without that replace the SDK comes from the proxy at the version it requires.
 */
export function standaloneProviderGoMod(upstream: string): string {
  return upstream
    .split("\n")
    .filter((line) => !/^replace\s+github\.com\/pulumi\/pulumi-kubernetes\/sdk\/v4\s+=>\s+\.\.\//.test(line))
    .join("\n");
}

/**
 * The kubernetes provider plugin at the version @pulumi/kubernetes expects: built once from its Go
 * module (schema embedded first, as its `go generate` does) and cached in the tool cache, linked into
 * .tools/bin (the sandbox engine runs Pulumi with that folder on PATH and its own PULUMI_HOME), and
 * installed with `pulumi plugin install resource kubernetes vX --file` for a plain `pulumi` as well.
 */
export async function ensureKubernetesProviderPlugin(log: Logger): Promise<string> {
  const binary = join(providerBuildDir(), "bin", "pulumi-resource-kubernetes");
  if (!existsSync(binary)) {
    await log.step(
      `build the Pulumi kubernetes provider plugin v${KUBERNETES_PROVIDER_VERSION} from Go modules (first run only)`,
      () => buildProvider(binary),
    );
  }
  const link = await linkIntoTools(binary, "pulumi-resource-kubernetes");
  const installed = await findKubernetesProviderPlugin({ ...process.env, PATH: "" });
  if (!installed) {
    await log.step(`install resource-kubernetes v${KUBERNETES_PROVIDER_VERSION} into Pulumi's plugins`, () =>
      runProgram(
        join(toolsBinDir, "pulumi"),
        ["plugin", "install", "resource", "kubernetes", `v${KUBERNETES_PROVIDER_VERSION}`, "--file", binary],
        { failureHint: "run `npm run setup` first (it builds the Pulumi CLI)", timeout: 300_000 },
      ),
    );
  }
  return link;
}

async function buildProvider(binary: string): Promise<void> {
  const { stdout } = await runProgram(
    "go",
    ["mod", "download", "-json", `${PROVIDER_MODULE}@${PROVIDER_SOURCE_VERSION}`],
    { env: GO_BUILD_ENV, failureHint: GO_HINT, timeout: 600_000, reject: false },
  );
  const info = JSON.parse(stdout || "{}") as { Dir?: string; Error?: string };
  if (!info.Dir) {
    throw missingToolError(
      "KUBE_PROVIDER_SOURCE_MISSING",
      `the Go module proxy does not serve ${PROVIDER_MODULE}@${PROVIDER_SOURCE_VERSION}: ${info.Error?.split("\n")[0] ?? "no answer"}`,
      GO_HINT,
    );
  }
  // The module cache is read-only and the build writes the embedded schema next to main.go.
  const source = join(providerBuildDir(), "src");
  await rm(source, { recursive: true, force: true });
  await mkdir(join(providerBuildDir(), "bin"), { recursive: true });
  await cp(info.Dir, source, { recursive: true });
  await runProgram("chmod", ["-R", "u+w", source]);
  const goMod = join(source, "go.mod");
  await writeFile(goMod, standaloneProviderGoMod(await readFile(goMod, "utf8")));
  const env = { ...GO_BUILD_ENV, GOFLAGS: "-mod=mod" };
  await runProgram("nice", ["-n", "19", "go", "run", "./generate.go"], {
    cwd: join(source, "cmd", "pulumi-resource-kubernetes"),
    env: { ...env, VERSION: KUBERNETES_PROVIDER_VERSION },
    failureHint: GO_HINT,
    timeout: 1_800_000,
  });
  await goBuild({
    cwd: source,
    ldflags: `-s -w -X ${VERSION_PACKAGE}.Version=${KUBERNETES_PROVIDER_VERSION}`,
    output: binary,
    main: "./cmd/pulumi-resource-kubernetes",
    env,
  });
  await chmod(binary, 0o755);
}

/**
 * For the test tier: installs the plugin, or says why it could not (the tests that need it are skipped).
 * `build: false` (the tier's global setup) only looks for a plugin `prepare.ts` built.
 */
export async function kubernetesProviderPluginStatus(
  log: Logger,
  options: { build: boolean } = { build: true },
): Promise<ProviderPluginStatus> {
  if (!options.build && !existsSync(join(providerBuildDir(), "bin", "pulumi-resource-kubernetes"))) {
    return {
      installed: false,
      reason: "not built: `npm run k8s:provider` (or `npm run test:k8s`) builds it",
    };
  }
  try {
    await ensureKubernetesProviderPlugin(log);
    return { installed: true };
  } catch (error) {
    return { installed: false, reason: (error as Error).message };
  }
}
