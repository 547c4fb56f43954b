import { Command } from "commander";
import { createLogger, printJson } from "../util/log.ts";

export function upCommand(): Command {
  return new Command("up")
    .description("create or update the sandbox described by the spec and wait until every candidate is ready")
    .option("--spec <file>", "the sandbox spec", "sandbox.yaml")
    .option("--json", "print the result (with each candidate's loopback URL) as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox up\n  $ npx sandbox up --spec examples/sandbox.yaml --json | jq '.status.candidates[].url'",
    )
    .action(async (options: { spec: string; json?: boolean }) => {
      // Loaded on use: the Pulumi SDK takes seconds to import and other commands do not need it.
      const [{ sandboxStatus, sandboxUp }, { renderStatus }, { loadSpecFile }] = await Promise.all([
        import("../engine/index.ts"),
        import("../engine/render.ts"),
        import("../spec/index.ts"),
      ]);
      const loaded = await loadSpecFile(options.spec);
      const log = createLogger();
      const result = await sandboxUp(loaded, log);
      const status = await sandboxStatus(result.name);
      if (options.json) {
        printJson({
          name: result.name,
          changed: result.changed,
          changes: result.changes,
          durationS: result.durationS,
          status,
        });
        return;
      }
      const verb = result.changed ? "is up" : "is up (nothing changed)";
      process.stdout.write(`sandbox ${result.name} ${verb} in ${result.durationS.toFixed(1)}s\n`);
      if (status) process.stdout.write(`${renderStatus(status)}\n`);
    });
}
