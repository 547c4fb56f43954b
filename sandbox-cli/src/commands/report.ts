import { dirname, join, resolve } from "node:path";
import { Command } from "commander";
import { ExitCode, usageError } from "../errors.ts";
import type { Report } from "../report/index.ts";
import { createLogger, printJson } from "../util/log.ts";

export function reportCommand(): Command {
  const report = new Command("report")
    .description(
      "build the promotion report (report.json, report.html, report.md, junit.xml) from a run folder, or re-render a report.json;\n" +
        "exits 0 PROMOTE, 1 REJECT, 5 PROMOTE WITH CONDITIONS",
    )
    .option(
      "--from <path>",
      "(required) a run folder (sandbox.yaml, provenance.json, load-result.json, ...) or a report.json",
    )
    .option(
      "--out <dir>",
      "where to write the four files (default: <run folder>/report, or the report.json's folder)",
    )
    .option("--json", "print the verdict, the files and report.json's sha256 as JSON on stdout")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ npx sandbox report --from ~/.local/state/elearning-sandbox/runs/my-sandbox/RUN_ID",
        "  $ npx sandbox report --from run/report/report.json --out /tmp/rerendered",
        "  $ npx sandbox report --from run --json | jq -r .verdict",
        "  $ SOURCE_DATE_EPOCH=1764435600 npx sandbox report --from run   # reproducible generatedAt",
        "  $ npx sandbox report diff last-night/report.json tonight/report.json",
      ].join("\n"),
    )
    .action(async (options: { from?: string; out?: string; json?: boolean }) => {
      if (!options.from) {
        throw usageError(
          "REPORT_FROM_REQUIRED",
          "sandbox report needs --from: the run folder or report.json to build the report from",
          "pass --from RUN_DIR (the folder a load test or nightly run wrote) or --from report.json; or use `sandbox report diff OLD NEW`",
        );
      }
      const { buildReport, isRunDir, readReportFile, readRunDir, writeReport } = await loadReportModule();
      const log = createLogger({ quiet: Boolean(options.json) });
      const from = resolve(options.from);
      const runDir = await isRunDir(from);
      const built: Report = runDir
        ? buildReport(await readRunDir(from, generatedAt()))
        : await readReportFile(from);
      const outDir = resolve(options.out ?? (runDir ? join(from, "report") : dirname(from)));
      const written = await log.step(`writing the report to ${outDir}`, () => writeReport(built, outDir));
      const { decision, exitCode, headline } = built.verdict;
      if (options.json) {
        printJson({
          verdict: decision,
          exitCode,
          headline,
          sha256: written.sha256,
          files: written,
          reasons: built.verdict.reasons,
        });
      } else {
        process.stdout.write(
          `${decision}: ${headline}\n` +
            `  report.json  ${written.json}\n  report.html  ${written.html}\n  report.md    ${written.md}\n  junit.xml    ${written.junit}\n` +
            `report.json sha256 ${written.sha256}\n`,
        );
      }
      process.exitCode = exitCode;
    });

  report.addCommand(
    new Command("diff")
      .description(
        "what changed between two reports: verdict, capacity per site, latency, thresholds, policy, findings",
      )
      .argument("<old>", "the earlier report.json")
      .argument("<new>", "the later report.json")
      .option("--json", "print the differences as JSON on stdout")
      .addHelpText(
        "after",
        "\nExamples:\n  $ npx sandbox report diff last-night/report.json tonight/report.json\n  $ npx sandbox report diff a.json b.json --json | jq .verdict",
      )
      .action(async (oldPath: string, newPath: string, options: { json?: boolean }) => {
        const { diffReports, readReportFile, renderDiff } = await loadReportModule();
        const diff = diffReports(await readReportFile(oldPath), await readReportFile(newPath));
        // the root program parses options before subcommands, so `report` may have taken --json
        if (options.json || report.opts().json) printJson(diff);
        else process.stdout.write(renderDiff(diff));
        process.exitCode = ExitCode.ok;
      }),
  );
  return report;
}

// The report module pulls in vega; load it only when a report command runs, not on every CLI start.
const loadReportModule = () => import("../report/index.ts");

/** SOURCE_DATE_EPOCH (reproducible-builds.org) pins the report's timestamp, and so its sha256. */
function generatedAt(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === "") return new Date().toISOString();
  if (!/^\d{1,12}$/.test(epoch)) {
    throw usageError(
      "SOURCE_DATE_EPOCH_INVALID",
      `SOURCE_DATE_EPOCH=${epoch} is not a number of seconds since 1970`,
      "set it to an integer such as 1764435600, or unset it to stamp the current time",
    );
  }
  return new Date(Number(epoch) * 1000).toISOString();
}
