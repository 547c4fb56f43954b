import { join } from "node:path";
import { execa } from "execa";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a user would (a separate node process), never throwing on a non-zero exit. */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; input?: string } = {},
): Promise<CliResult> {
  const result = await execa(
    process.execPath,
    [join(projectRoot, "sandbox-cli", "bin", "sandbox.mjs"), ...args],
    {
      cwd: options.cwd ?? projectRoot,
      env: { NO_COLOR: "1", ...options.env },
      timeout: options.timeoutMs ?? 60_000,
      reject: false,
      ...(options.input === undefined ? {} : { input: options.input }),
    },
  );
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * Starts the real CLI in the background: `child` resolves with its result (never throws on a non-zero exit),
 * `until(pattern)` waits for its stderr to show the pattern (and fails if it ends first).
 */
export function startCli(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
) {
  const child = execa(process.execPath, [join(projectRoot, "sandbox-cli", "bin", "sandbox.mjs"), ...args], {
    cwd: projectRoot,
    env: { NO_COLOR: "1", ...options.env },
    reject: false,
    timeout: options.timeoutMs ?? 400_000,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const until = async (pattern: RegExp) => {
    while (!pattern.test(stderr)) {
      if (child.exitCode !== null) throw new Error(`sandbox ${args[0]} ended before ${pattern}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, until, stderr: () => stderr };
}
