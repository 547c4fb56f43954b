import { Command } from "commander";
import { ExitCode } from "../errors.ts";
import { createLogger, printJson } from "../util/log.ts";

/** `sandbox nightly --spec FILE`: the whole line for CI; exit 0 PROMOTE, 1 REJECT, 5 PROMOTE WITH CONDITIONS. */
export function nightlyCommand(): Command {
  return new Command("nightly")
    .description(
      "up, install every course, load test, capacity per site, policy, report, down (exit 0 PROMOTE, 1 REJECT, 5 PROMOTE WITH CONDITIONS)",
    )
    .requiredOption("--spec <file>", "the sandbox spec")
    .option("--keep", "keep the sandbox running afterwards")
    .option(
      "--measure-sites-up-to <n>",
      "measure N_max through the shaped link of every site predicted to hold at most N learners",
      (v) => Number.parseInt(v, 10),
      0,
    )
    .option("--out <dir>", "write the report here (default: the run folder under the state dir)")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox nightly --spec examples/docker-quickstart.yaml\n  $ npx sandbox nightly --spec sandbox.yaml --keep --out reports/ --json\n\nA failed step is resumed by running the same command again.",
    )
    .action(
      async (options: {
        spec: string;
        keep?: boolean;
        measureSitesUpTo: number;
        out?: string;
        json?: boolean;
      }) => {
        const { runNightly } = await import("../pipeline/nightly.ts");
        const result = await runNightly(
          {
            specPath: options.spec,
            keep: Boolean(options.keep),
            measureSitesUpTo: options.measureSitesUpTo,
            ...(options.out ? { outDir: options.out } : {}),
          },
          createLogger(),
        );
        if (options.json) printJson(result);
        else printSummary(result);
        process.exitCode = result.exitCode === 0 ? ExitCode.ok : result.exitCode;
      },
    );
}

export function printSummary(result: {
  decision: string;
  headline: string;
  report: { html: string; json: string; md: string; junit: string; sha256: string };
}): void {
  process.stdout.write(
    [
      `verdict: ${result.headline}`,
      `report:  ${result.report.html}`,
      `         ${result.report.json} (sha256 ${result.report.sha256})`,
      `         ${result.report.md}`,
      `junit:   ${result.report.junit}`,
      "",
    ].join("\n"),
  );
}
