import { Command } from "commander";
import { sandboxList } from "../engine/index.ts";
import { renderList } from "../engine/render.ts";
import { printJson } from "../util/log.ts";

export function listCommand(): Command {
  return new Command("list")
    .description("list every sandbox on this machine with its owner, age and expiry")
    .option("--json", "print the sandboxes as JSON on stdout")
    .addHelpText("after", "\nExamples:\n  $ npx sandbox list\n  $ npx sandbox list --json | jq -r '.sandboxes[] | select(.expired) | .name'")
    .action(async (options: { json?: boolean }) => {
      const sandboxes = await sandboxList();
      if (options.json) printJson({ sandboxes });
      else process.stdout.write(`${renderList(sandboxes)}\n`);
    });
}
