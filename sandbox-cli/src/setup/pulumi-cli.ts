import { existsSync } from "node:fs";
import { chmod, mkdir, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { missingToolError } from "../errors.ts";
import { cacheDir, projectRoot, toolsBinDir } from "../paths.ts";
import { MIN_GO_VERSION, PULUMI_VERSION } from "../toolchain.ts";
import { hasProgram, runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";

const PULUMI_MODULE = "github.com/pulumi/pulumi";

export const pulumiBuildDir = () => join(cacheDir(), "tools", `pulumi-v${PULUMI_VERSION}`);
export const pulumiLink = () => join(toolsBinDir, "pulumi");
export const dynamicProviderLauncher = () => join(toolsBinDir, "pulumi-resource-pulumi-nodejs");
/** Without a nodejs language plugin, the engine starts a nodejs policy pack through this analyzer. */
export const policyAnalyzerLauncher = () => join(toolsBinDir, "pulumi-analyzer-policy-nodejs");

/** `pulumi version` of the binary at `path` ("3.248.0"), or undefined when it does not run. */
export async function pulumiVersionOf(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await runProgram(path, ["version"], { timeout: 30_000 });
    return stdout.trim().replace(/^v/, "");
  } catch {
    return undefined;
  }
}

/**
 * Puts the pinned Pulumi CLI at .tools/bin/pulumi: the one on PATH when it is the pinned version,
 * else a build from the Go module proxy, cached per machine so every checkout shares it.
 */
export async function ensurePulumiCli(log: Logger): Promise<{ version: string; source: string }> {
  await mkdir(toolsBinDir, { recursive: true });
  await writeDynamicProviderLauncher();
  await writePolicyAnalyzerLauncher();
  if ((await pulumiVersionOf(pulumiLink())) === PULUMI_VERSION) {
    log.info(`Pulumi CLI v${PULUMI_VERSION} at ${pulumiLink()}`);
    return { version: PULUMI_VERSION, source: "cached" };
  }
  const onPath = await findPinnedOnPath();
  if (onPath) {
    await linkTool(onPath, pulumiLink());
    log.info(`Pulumi CLI v${PULUMI_VERSION} found on PATH at ${onPath}`);
    return { version: PULUMI_VERSION, source: onPath };
  }
  const built = join(pulumiBuildDir(), "bin", "pulumi");
  if ((await pulumiVersionOf(built)) !== PULUMI_VERSION) {
    await log.step(
      `build Pulumi CLI v${PULUMI_VERSION} from Go modules (first run only, several minutes)`,
      () => buildPulumi(built),
    );
  }
  await linkTool(built, pulumiLink());
  const version = await pulumiVersionOf(pulumiLink());
  if (version !== PULUMI_VERSION) {
    throw missingToolError(
      "PULUMI_BUILD_BROKEN",
      `the Pulumi CLI built at ${built} reports ${version ?? "nothing"}, expected v${PULUMI_VERSION}`,
      `delete ${pulumiBuildDir()} and run \`npm run setup\` again`,
    );
  }
  return { version, source: built };
}

async function findPinnedOnPath(): Promise<string | undefined> {
  try {
    const { stdout } = await runProgram("sh", ["-c", "command -v pulumi"], {
      env: { PATH: process.env.PATH ?? "" },
    });
    const path = stdout.trim();
    if (path && path !== pulumiLink() && (await pulumiVersionOf(path)) === PULUMI_VERSION) return path;
  } catch {
    // not on PATH
  }
  return undefined;
}

async function buildPulumi(output: string): Promise<void> {
  if (!(await hasProgram("go"))) {
    throw missingToolError(
      "GO_MISSING",
      `building the Pulumi CLI needs Go >= ${MIN_GO_VERSION}, and no \`go\` is on PATH`,
      `install Go ${MIN_GO_VERSION} or newer, or put the pulumi v${PULUMI_VERSION} binary on PATH`,
    );
  }
  const dir = pulumiBuildDir();
  await mkdir(dir, { recursive: true });
  // A throwaway wrapper module: requiring pkg/v3 and sdk/v3 at one version pins every dependency.
  await writeFile(join(dir, "go.mod"), "module sandbox.local/pulumi-cli-build\n\ngo 1.25\n");
  await rm(join(dir, "go.sum"), { force: true });
  const env = { GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", CGO_ENABLED: "0" };
  const hint = "check that the Go module proxy is reachable (`go env GOPROXY`) and that Go is new enough";
  const v = `v${PULUMI_VERSION}`;
  await runProgram("go", ["get", `${PULUMI_MODULE}/pkg/v3/cmd/pulumi@${v}`, `${PULUMI_MODULE}/sdk/v3@${v}`], {
    cwd: dir,
    env,
    failureHint: hint,
    timeout: 1_800_000,
  });
  const ldflags = `-s -w -X ${PULUMI_MODULE}/sdk/v3/go/common/version.Version=${v}`;
  await runProgram(
    "go",
    ["build", "-trimpath", "-ldflags", ldflags, "-o", output, `${PULUMI_MODULE}/pkg/v3/cmd/pulumi`],
    {
      cwd: dir,
      env,
      failureHint: hint,
      timeout: 3_000_000,
    },
  );
}

async function linkTool(target: string, link: string): Promise<void> {
  if (existsSync(link) && (await readlink(link).catch(() => "")) === target) return;
  await rm(link, { force: true });
  await symlink(target, link);
}

/**
 * The official CLI tarball ships this launcher for dynamic providers; a CLI built from source lacks it.
 * Ours loads tsx first so a provider may import the project's TypeScript modules.
 */
async function writeDynamicProviderLauncher(): Promise<void> {
  const tsxLoader = import.meta.resolve("tsx");
  const provider = join(
    projectRoot,
    "node_modules",
    "@pulumi",
    "pulumi",
    "cmd",
    "dynamic-provider",
    "index.js",
  );
  const script = `#!/bin/sh\n# Written by \`npm run setup\`: runs Pulumi dynamic providers with this checkout's node_modules.\nexec node --import "${tsxLoader}" "${provider}" "$@"\n`;
  await writeFile(dynamicProviderLauncher(), script);
  await chmod(dynamicProviderLauncher(), 0o755);
}

/**
 * The engine runs a policy pack as an analyzer plugin started in the pack's folder; the pack serves
 * its gRPC analyzer and prints the port. The official CLI's launcher runs it through ts-node; ours
 * loads tsx, as every other TypeScript entry of the project does.
 */
async function writePolicyAnalyzerLauncher(): Promise<void> {
  const tsxLoader = import.meta.resolve("tsx");
  const script = [
    "#!/bin/sh",
    "# Written by `npm run setup`: runs a nodejs policy pack (the current folder) for the Pulumi engine.",
    `main=$(node -p 'require("./package.json").main || "index.js"')`,
    `exec node --import "${tsxLoader}" "$PWD/$main"`,
    "",
  ].join("\n");
  await writeFile(policyAnalyzerLauncher(), script);
  await chmod(policyAnalyzerLauncher(), 0o755);
}
