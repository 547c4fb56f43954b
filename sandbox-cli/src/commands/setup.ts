import { Command } from "commander";
import { createLogger, printJson } from "../util/log.ts";

export function setupCommand(): Command {
  return new Command("setup")
    .description(
      "install and start everything the sandbox needs (Docker Engine, Pulumi CLI, base image); idempotent",
    )
    .option("--json", "print a machine-readable summary on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npm run setup            # same as: npx sandbox setup\n  $ npx sandbox setup --json",
    )
    .action(async (options: { json?: boolean }) => {
      // Loaded on use: the setup steps pull in execa, dockerode and the apt/pulumi installers.
      const { runSetup } = await import("../setup/run-setup.ts");
      const log = createLogger();
      const summary = await runSetup(log);
      if (options.json) printJson(summary);
      else log.info("setup complete: run `npx sandbox doctor` to see every prerequisite");
    });
}
