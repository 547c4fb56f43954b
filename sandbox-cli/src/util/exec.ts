import { execa, type Options, type ResultPromise } from "execa";
import { ExitCode, SandboxError } from "../errors.ts";
import { pathWithTools } from "../paths.ts";

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs an external program with the project's tool links on PATH. A program that is not installed
 * becomes exit 3 with `installHint`; any other failure keeps the original error as `cause`.
 */
export async function runProgram(
  program: string,
  args: readonly string[],
  options: Options & { installHint?: string; failureHint?: string } = {},
): Promise<RunResult> {
  const { installHint, failureHint, ...execaOptions } = options;
  try {
    const result = await execa(program, args, {
      env: { PATH: pathWithTools() },
      ...execaOptions,
      stripFinalNewline: true,
    });
    return {
      stdout: String(result.stdout ?? ""),
      stderr: String(result.stderr ?? ""),
      exitCode: result.exitCode ?? 0,
    };
  } catch (error) {
    throw programError(program, args, error, installHint, failureHint);
  }
}

/** Starts a program and returns the live child process, for streaming or background use. */
export function startProgram(program: string, args: readonly string[], options: Options = {}): ResultPromise {
  return execa(program, args, { env: { PATH: pathWithTools() }, ...options });
}

export function programError(
  program: string,
  args: readonly string[],
  error: unknown,
  installHint?: string,
  failureHint?: string,
): SandboxError {
  const err = error as { code?: string; exitCode?: number; stderr?: unknown; shortMessage?: string };
  if (err?.code === "ENOENT") {
    return new SandboxError({
      code: "TOOL_MISSING",
      message: `${program} is not installed or not on PATH`,
      hint: installHint ?? "run `npm run setup`, then `npx sandbox doctor`",
      exitCode: ExitCode.missingTool,
      cause: error,
    });
  }
  const stderr = typeof err?.stderr === "string" ? err.stderr.trim().split("\n").slice(-5).join("\n") : "";
  return new SandboxError({
    code: "PROGRAM_FAILED",
    message: `${program} ${args.join(" ")} failed${err?.exitCode !== undefined ? ` (exit ${err.exitCode})` : ""}${stderr ? `:\n${stderr}` : ""}`,
    hint: failureHint ?? "see the output above; `npx sandbox doctor` checks every prerequisite",
    exitCode: ExitCode.infrastructure,
    cause: error,
  });
}

/** True when `program` can be found on PATH (tool links first). */
export async function hasProgram(program: string): Promise<boolean> {
  try {
    await execa("sh", ["-c", `command -v "$0"`, program], { env: { PATH: pathWithTools() } });
    return true;
  } catch {
    return false;
  }
}
