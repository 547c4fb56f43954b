import { Command } from "commander";
import { ExitCode } from "../errors.ts";
import { printJson } from "../util/log.ts";

export function doctorCommand(): Command {
  return new Command("doctor")
    .description(
      "check every prerequisite and print the fix for each missing one (exit 3 when one is missing)",
    )
    .option("--json", "print the checks as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox doctor\n  $ npx sandbox doctor --json | jq '.checks[] | select(.status != \"ok\")'",
    )
    .action(async (options: { json?: boolean }) => {
      // Loaded on use: the checks pull in dockerode, execa and the setup modules.
      const [{ allChecks }, { doctorPassed, renderDoctor }] = await Promise.all([
        import("../doctor/checks.ts"),
        import("../doctor/render.ts"),
      ]);
      const checks = [];
      for (const check of allChecks) checks.push(await check());
      const ok = doctorPassed(checks);
      if (options.json) printJson({ ok, checks });
      else process.stdout.write(`${renderDoctor(checks)}\n`);
      if (!ok) process.exitCode = ExitCode.missingTool;
    });
}
