import { Command } from "commander";
import { printJson } from "../util/log.ts";

export function listCommand(): Command {
  return new Command("list")
    .description("list every sandbox on this machine with its owner, age and expiry")
    .option("--json", "print the sandboxes as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox list\n  $ npx sandbox list --json | jq -r '.sandboxes[] | select(.expired) | .name'",
    )
    .action(async (options: { json?: boolean }) => {
      // Loaded on use: the Pulumi SDK takes seconds to import and other commands do not need it.
      const [{ sandboxList }, { renderList }] = await Promise.all([
        import("../engine/index.ts"),
        import("../engine/render.ts"),
      ]);
      const sandboxes = await sandboxList();
      if (options.json) printJson({ sandboxes });
      else process.stdout.write(`${renderList(sandboxes)}\n`);
    });
}
