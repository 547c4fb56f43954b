import { Command } from "commander";
import { createLogger, printJson } from "../util/log.ts";

export function downCommand(): Command {
  return new Command("down")
    .description("remove everything a sandbox created (containers, networks, volumes) and nothing else")
    .option("--spec <file>", "the sandbox spec (default sandbox.yaml)")
    .option("--name <name>", "the sandbox name instead of a spec")
    .option("--json", "print what was removed as JSON on stdout")
    .addHelpText("after", "\nExamples:\n  $ npx sandbox down\n  $ npx sandbox down --name demo --json")
    .action(async (options: { spec?: string; name?: string; json?: boolean }) => {
      // Loaded on use: the Pulumi SDK takes seconds to import and other commands do not need it.
      const [{ sandboxDown }, { sandboxNameFrom }] = await Promise.all([
        import("../engine/index.ts"),
        import("../engine/select.ts"),
      ]);
      const name = await sandboxNameFrom(options);
      const result = await sandboxDown(name, createLogger());
      if (options.json) {
        printJson(result);
        return;
      }
      const swept = Object.values(result.leftovers).flat().length;
      process.stdout.write(
        result.existed
          ? `sandbox ${name} removed (${result.destroyed} resources destroyed${swept ? `, ${swept} leftover objects removed by label` : ""})\n`
          : `sandbox ${name} did not exist; nothing to remove\n`,
      );
    });
}
