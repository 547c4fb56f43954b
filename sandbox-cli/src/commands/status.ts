import { Command } from "commander";
import { printJson } from "../util/log.ts";

export function statusCommand(): Command {
  return new Command("status")
    .description(
      "show a sandbox's candidates: roles, containers (kubernetes: pods with phase, readiness and restarts), internal hostnames, URLs and state",
    )
    .option("--spec <file>", "the sandbox spec (default sandbox.yaml)")
    .option("--name <name>", "the sandbox name instead of a spec")
    .option("--json", "print the status as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox status\n  $ npx sandbox status --name demo --json | jq -r '.candidates[] | \"\\(.name) \\(.url)\"'",
    )
    .action(async (options: { spec?: string; name?: string; json?: boolean }) => {
      // Loaded on use: the Pulumi SDK takes seconds to import and other commands do not need it.
      const [{ sandboxStatus }, { renderStatus }, { notFoundError, sandboxNameFrom }] = await Promise.all([
        import("../engine/index.ts"),
        import("../engine/render.ts"),
        import("../engine/select.ts"),
      ]);
      const name = await sandboxNameFrom(options);
      const status = await sandboxStatus(name);
      if (!status) throw notFoundError(name);
      if (options.json) printJson(status);
      else process.stdout.write(`${renderStatus(status)}\n`);
    });
}
