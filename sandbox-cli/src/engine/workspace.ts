import { existsSync } from "node:fs";
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation/index.js";
import { missingToolError } from "../errors.ts";
import { pathWithTools, stateDir, toolsBinDir } from "../paths.ts";
import { dockerEngineVersion } from "../runtime/docker.ts";
import { hasProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { configPassphrase } from "./passphrase.ts";

export const PROJECT_NAME = "elearning-sandbox";

export const pulumiDir = () => join(stateDir(), "pulumi");
export const backendUrl = () => `file://${pulumiDir()}`;
const workspaceDir = (sandbox: string) => join(pulumiDir(), "workspaces", sandbox);

export async function pulumiEnv(): Promise<Record<string, string>> {
  return {
    PATH: pathWithTools(),
    PULUMI_BACKEND_URL: backendUrl(),
    PULUMI_CONFIG_PASSPHRASE: await configPassphrase(),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_HOME: join(pulumiDir(), "home"),
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    // The state is written once at the end instead of after every step. A killed `up` then leaves
    // objects the state does not know: the provider adopts them by name on the next `up`, and
    // `down` removes them by label.
    PULUMI_SKIP_CHECKPOINTS: "true",
  };
}

/** Exit 3 with the fix when the Docker daemon or the Pulumi CLI (and its dynamic-provider launcher) is missing. */
export async function assertPrerequisites(): Promise<void> {
  if (!(await dockerEngineVersion())) {
    throw missingToolError(
      "DOCKER_UNAVAILABLE",
      "the Docker daemon does not answer on its socket",
      "run `npm run setup` (installs and starts dockerd), then `npx sandbox doctor`",
    );
  }
  await assertPulumiCli();
}

/** Exit 3 with the fix when the Pulumi CLI or its launchers are missing (the kubernetes target needs no Docker). */
export async function assertPulumiCli(): Promise<void> {
  for (const program of ["pulumi", "pulumi-resource-pulumi-nodejs"]) {
    if (!(await hasProgram(program))) {
      throw missingToolError(
        "PULUMI_MISSING",
        `${program} is not in ${toolsBinDir} nor on PATH`,
        "run `npm run setup` (builds the pinned Pulumi CLI and writes its launcher), then `npx sandbox doctor`",
      );
    }
  }
}

let command: Promise<PulumiCommand> | undefined;

/** The pinned CLI in .tools/bin when present (else the one on PATH), looked up once per process. */
export function pulumiCommand(): Promise<PulumiCommand> {
  const root = join(toolsBinDir, "..");
  command ??= PulumiCommand.get({
    ...(existsSync(join(root, "bin", "pulumi")) ? { root } : {}),
    skipVersionCheck: true,
  });
  return command;
}

/** The sandbox's stack, with a workspace dir in the state dir; `create` only when the backend has none yet. */
export async function sandboxStack(
  sandbox: string,
  program: PulumiFn,
  mode: "select" | "create" = "select",
): Promise<Stack> {
  const workDir = workspaceDir(sandbox);
  await mkdir(workDir, { recursive: true });
  const args = { stackName: sandbox, projectName: PROJECT_NAME, program };
  const options = {
    workDir,
    envVars: await pulumiEnv(),
    pulumiCommand: await pulumiCommand(),
    projectSettings: { name: PROJECT_NAME, runtime: "nodejs" as const, backend: { url: backendUrl() } },
  };
  return mode === "create"
    ? LocalWorkspace.createStack(args, options)
    : LocalWorkspace.selectStack(args, options);
}

/** Selects the sandbox's stack (creating it on first use) and clears Pulumi locks a killed run left behind. */
export async function selectStack(sandbox: string, program: PulumiFn, log: Logger): Promise<Stack> {
  const stack = await sandboxStack(sandbox, program, (await stackExists(sandbox)) ? "select" : "create");
  const stale = await clearStalePulumiLocks(sandbox);
  if (stale > 0) log.warn(`removed ${stale} stale Pulumi lock(s) left by an interrupted run`);
  return stack;
}

/** Removes Pulumi's own lock files of a stack: only called under the sandbox lock, so any left are from a killed run. */
export async function clearStalePulumiLocks(sandbox: string): Promise<number> {
  const dir = join(pulumiDir(), ".pulumi", "locks", "organization", PROJECT_NAME, sandbox);
  let files: string[] = [];
  try {
    files = await readdir(dir);
  } catch {
    return 0;
  }
  await Promise.all(files.map((file) => rm(join(dir, file), { force: true })));
  return files.length;
}

/** Drops the stack's workspace and what the file backend keeps beside a removed stack (history, backups, lock dir). */
export async function removeWorkspace(sandbox: string): Promise<void> {
  const backend = join(pulumiDir(), ".pulumi");
  for (const dir of [
    workspaceDir(sandbox),
    join(backend, "history", PROJECT_NAME, sandbox),
    join(backend, "backups", PROJECT_NAME, sandbox),
    join(backend, "locks", "organization", PROJECT_NAME, sandbox),
  ]) {
    await rm(dir, { recursive: true, force: true });
  }
}

export const stackExists = async (sandbox: string) =>
  existsSync(join(pulumiDir(), ".pulumi", "stacks", PROJECT_NAME, `${sandbox}.json`));
