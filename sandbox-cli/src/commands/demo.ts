import { Command } from "commander";
import { createLogger, printJson } from "../util/log.ts";
import { printSummary } from "./nightly.ts";

export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "the whole line on the bundled sample course: build it, up, install, load test, capacity at HQ and a 10 Mbit/s branch, report, down",
    )
    .option("--keep", "keep the sandbox running afterwards")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npm run demo\n  $ npx sandbox demo --keep   # then: npx sandbox status --name demo",
    )
    .action(async (options: { keep?: boolean; json?: boolean }) => {
      const { runDemo } = await import("../pipeline/demo.ts");
      const result = await runDemo({ keep: Boolean(options.keep) }, createLogger());
      if (options.json) printJson(result);
      else printSummary(result);
    });
}
