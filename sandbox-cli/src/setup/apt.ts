import { ExitCode, SandboxError } from "../errors.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";

let listsUpdated = false;

/** Installs Debian packages (as root), refreshing the package lists once per process. */
export async function aptInstall(packages: readonly string[], log: Logger, why: string): Promise<void> {
  if (packages.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new SandboxError({
      code: "NEEDS_ROOT",
      message: `${why}: installing ${packages.join(", ")} needs root`,
      hint: `run \`sudo apt-get install -y ${packages.join(" ")}\`, then \`npm run setup\` again`,
      exitCode: ExitCode.missingTool,
    });
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const hint = `check the Debian mirror in /etc/apt/sources.list*, then run \`apt-get install -y ${packages.join(" ")}\``;
  if (!listsUpdated) {
    await log.step("apt-get update (package lists)", () =>
      runProgram("apt-get", ["update", "-qq"], { env, failureHint: hint, timeout: 600_000 }),
    );
    listsUpdated = true;
  }
  await log.step(`apt-get install ${packages.join(" ")} (${why})`, () =>
    runProgram("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
      env,
      failureHint: hint,
      timeout: 1_200_000,
    }),
  );
}
