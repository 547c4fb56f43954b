import { Command } from "commander";
import { createLogger, printJson } from "../util/log.ts";

export function upCommand(): Command {
  return new Command("up")
    .description("create or update the sandbox described by the spec and wait until every candidate is ready")
    .option("--spec <file>", "the sandbox spec", "sandbox.yaml")
    .option(
      "--target <kind>",
      "docker or kubernetes: overrides the spec's target.kind (kubernetes takes its cluster from $KUBECONFIG unless the spec names one)",
    )
    .option("--json", "print the result (with each candidate's loopback URL) as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox up\n  $ npx sandbox up --spec examples/sandbox.yaml --json | jq '.status.candidates[].url'\n  $ KUBECONFIG=~/.kube/sandbox.yaml npx sandbox up --target kubernetes",
    )
    .action(async (options: { spec: string; target?: string; json?: boolean }) => {
      // Loaded on use: the Pulumi SDK takes seconds to import and other commands do not need it.
      const [{ sandboxStatus, sandboxUp }, { renderStatus }, { loadSpecFile, withTargetKind }] =
        await Promise.all([
          import("../engine/index.ts"),
          import("../engine/render.ts"),
          import("../sandbox-spec/index.ts"),
        ]);
      const fromFile = await loadSpecFile(options.spec);
      const loaded = options.target ? withTargetKind(fromFile, options.target) : fromFile;
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
