import { Command } from "commander";
import { ExitCode } from "../errors.ts";
import type { LoadtestFlags, LoadtestOptions } from "../loadtest/options.ts";
import { createLogger, printJson } from "../util/log.ts";

const collect = (value: string, previous: string[] = []) => [...previous, value];

async function runScript(options: LoadtestOptions, specGiven: boolean): Promise<void> {
  const [{ runScriptCommand, parseEnvPairs }, { parseOut }] = await Promise.all([
    import("../loadtest/script-command.ts"),
    import("../loadtest/script-outputs.ts"),
  ]);
  const sandbox = specGiven
    ? (await (await import("../sandbox-spec/index.ts")).loadSpecFile(options.spec)).spec.name
    : undefined;
  const result = await runScriptCommand({
    script: options.script as string,
    env: parseEnvPairs(options.env ?? []),
    allowHosts: options.allowHost ?? [],
    runners: options.runners ?? 1,
    ...(sandbox ? { sandbox } : {}),
    outputs: (options.out ?? []).map(parseOut),
    ...(options.summaryExport ? { summaryExport: options.summaryExport } : {}),
    log: createLogger(),
  });
  if (options.json) printJson(result.json);
  else process.stdout.write(result.text);
  if (!result.run.passed) process.exitCode = ExitCode.checkFailed;
}

export function loadtestCommand(): Command {
  return new Command("loadtest")
    .description(
      "load-test the sandbox the way learners use it (LMS journeys and paced HLS viewers); exit 1 when a threshold or the integrity check fails",
    )
    .option("--spec <file>", "the sandbox spec (default sandbox.yaml)")
    .option("--learners <n>", "simultaneous learners (default load.peakLearners; capped by load.maxLearners)")
    .option("--ramp <duration>", "ramp-up time, e.g. 30s (default load.rampUp)")
    .option(
      "--duration <duration>",
      "time at full load, e.g. 2m (default load.duration; ramp + duration capped by load.maxDuration)",
    )
    .option(
      "--runners <n>",
      "runner processes or containers splitting the learners (default load.runners of the spec, 1)",
    )
    .option(
      "--site <name>",
      "a site of the spec: viewers pick renditions for its per-learner share of the link",
    )
    .option(
      "--mode <mode>",
      "docker target: local (runner processes on this host, 127.0.0.1) or containers (on the sandbox network); kubernetes: jobs (the default there, runner Jobs in the sandbox's namespace)",
    )
    .option("--course <id>", "the LMS course the learners take (default: the first installed)")
    .option("--target-url <url>", "load a server outside the sandbox instead (needs --i-own-this-target)")
    .option("--i-own-this-target", "confirm that you own --target-url and may load it")
    .option(
      "--find-capacity",
      "with --site: ramp learners through the site's shaped link until playback degrades; prints predicted and measured N_max",
    )
    .option(
      "--rendition <name>",
      "with --find-capacity: the rendition every viewer plays, e.g. 540p (default: the one the model says the site settles on)",
    )
    .option(
      "--allow-host <host:port>",
      "a host you own that the learners (or a script) may also reach, e.g. 127.0.0.1:8080; repeat for more",
      collect,
    )
    .option("--script <file>", "run a load script written against k6's API (.ts or .js, typed by @types/k6)")
    .option(
      "-e, --env <key=value>",
      "with --script: a variable the script reads from __ENV; repeat for more",
      collect,
    )
    .option(
      "--out <kind=file>",
      "with --script: every sample as json=FILE (k6's lines) or csv=FILE; repeat for both",
      collect,
    )
    .option("--summary-export <file>", "with --script: the end-of-test summary data as JSON")
    .option("--json", "print the LoadRunResult as JSON on stdout")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ npx sandbox loadtest --learners 20 --ramp 30s --duration 2m",
        "  $ npx sandbox loadtest --learners 200 --runners 4 --mode containers --json > run.json",
        "  $ npx sandbox loadtest --site small-branch --learners 25 --json | jq '.thresholds[] | select(.ok | not)'",
        "  $ npx sandbox loadtest --site branch --find-capacity --rendition 360p",
        "  $ npx sandbox loadtest --script loadtests/scenarios/smoke.ts --allow-host 127.0.0.1:8080 --env BASE_URL=http://127.0.0.1:8080",
        "  $ npx sandbox loadtest --script my-test.ts --spec sandbox.yaml --runners 3 --out json=samples.json",
        "  $ npx sandbox loadtest --target-url http://127.0.0.1:9000/media/c/master.m3u8 --i-own-this-target --learners 5 --duration 30s",
      ].join("\n"),
    )
    .action(async (flags: LoadtestFlags) => {
      // Loaded on use: option parsing needs zod and the spec loader, the run needs docker and the engine.
      const { parseLoadtestFlags } = await import("../loadtest/options.ts");
      const options = parseLoadtestFlags(flags);
      if (options.script) return runScript(options, flags.spec !== undefined);
      const { loadSpecFile } = await import("../sandbox-spec/index.ts");
      const loaded = await loadSpecFile(options.spec);
      const log = createLogger();
      // Loaded on use: docker and the engine status are not needed by other commands.
      if (options.findCapacity && options.site) {
        const [{ findSiteCapacity }, { describeMeasuredSite }] = await Promise.all([
          import("../pipeline/find-site-capacity.ts"),
          import("../capacity/render.ts"),
        ]);
        const site = await findSiteCapacity(loaded, options.site, log, {
          ...(options.rendition !== undefined ? { rendition: options.rendition } : {}),
          ...(options.duration !== undefined ? { durationS: options.duration } : {}),
        });
        if (options.json) printJson(site);
        else process.stdout.write(`${describeMeasuredSite(site)}\n`);
        return;
      }
      const [{ runLoad }, { renderLoadRun }] = await Promise.all([
        import("../loadtest/run.ts"),
        import("../loadtest/render.ts"),
      ]);
      const result = await runLoad({
        spec: loaded.spec,
        ...(options.learners !== undefined ? { learners: options.learners } : {}),
        ...(options.ramp !== undefined ? { rampS: options.ramp } : {}),
        ...(options.duration !== undefined ? { durationS: options.duration } : {}),
        ...(options.runners !== undefined ? { runners: options.runners } : {}),
        ...(options.site !== undefined ? { site: options.site } : {}),
        ...(options.mode !== undefined ? { mode: options.mode } : {}),
        ...(options.course !== undefined ? { courseId: options.course } : {}),
        ...(options.allowHost ? { allowHosts: options.allowHost } : {}),
        ...(options.targetUrl !== undefined
          ? { explicitTarget: { url: options.targetUrl, iOwnThisTarget: Boolean(options.iOwnThisTarget) } }
          : {}),
        log,
      });
      const { recordLoadRun } = await import("../pipeline/provenance.ts");
      await recordLoadRun(loaded, result.outDir, result.engine);
      if (options.json) printJson(result);
      else process.stdout.write(`${renderLoadRun(result)}\n`);
      if (!result.passed) process.exitCode = ExitCode.checkFailed;
    });
}
