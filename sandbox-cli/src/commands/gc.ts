import { Command } from "commander";
import { ExitCode } from "../errors.ts";
import { createLogger, printJson } from "../util/log.ts";

export function gcCommand(): Command {
  return new Command("gc")
    .description("down every sandbox whose expiry (ttl from the spec) has passed")
    .option("--json", "print the removed sandboxes as JSON on stdout")
    .addHelpText("after", "\nExamples:\n  $ npx sandbox gc\n  $ npx sandbox gc --json | jq '.removed[].name'")
    .action(async (options: { json?: boolean }) => {
      // Loaded on use: the Pulumi SDK takes seconds to import and other commands do not need it.
      const { sandboxGc } = await import("../engine/index.ts");
      const result = await sandboxGc(createLogger());
      if (options.json) printJson(result);
      else {
        const names = result.removed.map((down) => down.name);
        process.stdout.write(
          names.length > 0 ? `removed expired sandboxes: ${names.join(", ")}\n` : "no expired sandboxes\n",
        );
        for (const failure of result.failed)
          process.stdout.write(`could not remove ${failure.name}: ${failure.error}\n`);
      }
      if (result.failed.length > 0) process.exitCode = ExitCode.infrastructure;
    });
}
