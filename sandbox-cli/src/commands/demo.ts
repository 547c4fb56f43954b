import { Command } from "commander";
import { ExitCode, SandboxError } from "../errors.ts";

export function demoCommand(): Command {
  return new Command("demo")
    .description("run the whole line (up, install, load test, report, down) on the bundled sample course")
    .option("--json", "print a machine-readable result on stdout")
    .action(async () => {
      throw new SandboxError({
        code: "DEMO_NOT_BUILT",
        message: "the demo is not built yet",
        hint: "follow the demo issue; meanwhile `npx sandbox doctor` shows the machine is ready",
        exitCode: ExitCode.infrastructure,
      });
    });
}
