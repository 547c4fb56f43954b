/**
 * How a load-runner Job hands its results back: after the run, its container prints its summary and
 * its raw samples (gzip, base64) to its own log between two marker lines; the CLI reads the pod's log
 * through the API server. Nothing else is needed on the cluster (no volume, no object store), and a
 * log the kubelet cut short (its containerLogMaxSize) fails to parse, so a partial set is refused.
 * Both halves of the format live here.
 */
import { gunzipSync } from "node:zlib";

export const RUNNER_OUT_DIR = "/out";
export const RUNNER_CONFIG_DIR = "/config";
export const RUNNER_CONFIG_FILE = "config.json";
const BEGIN = "esb-runner-report/1";
const END = "esb-runner-report/1 end";

/** The runner's environment inside a Job (see loadtests/lib/config.ts). */
export function runnerEnv(segment: string, out = RUNNER_OUT_DIR): { name: string; value: string }[] {
  return [
    { name: "LOAD_CONFIG_FILE", value: `${RUNNER_CONFIG_DIR}/${RUNNER_CONFIG_FILE}` },
    { name: "LOAD_SEGMENT", value: segment },
    { name: "LOAD_SAMPLES", value: `${out}/samples.ndjson` },
    { name: "LOAD_SUMMARY", value: `${out}/summary.json` },
  ];
}

/** The Job container's shell script: run the image's runner, then print the report, keep its exit code. */
export function runnerReportScript(runner = "/opt/load-runner/runner.cjs", out = RUNNER_OUT_DIR): string {
  return [
    `node ${runner}; code=$?`,
    `echo "${BEGIN} exit=$code"`,
    `if [ -f ${out}/summary.json ]; then printf 'summary '; base64 -w0 ${out}/summary.json; echo; fi`,
    `if [ -f ${out}/samples.ndjson ]; then printf 'samples '; gzip -c ${out}/samples.ndjson | base64 -w0; echo; fi`,
    `echo "${END}"`,
    "exit $code",
  ].join("\n");
}

export interface RunnerReport {
  readonly exitCode: number;
  /** the runner's summary JSON text. */
  readonly summary: string;
  /** the raw samples, NDJSON text. */
  readonly samples: string;
}

/** The report in a runner pod's log; throws naming what is missing (a runner that broke, a cut log). */
export function parseRunnerReport(log: string): RunnerReport {
  const lines = log.split("\n");
  const begin = lines.findIndex((line) => line.startsWith(`${BEGIN} exit=`));
  if (begin < 0) throw new Error("the runner's log has no report (it was killed before the end)");
  const end = lines.indexOf(END, begin);
  if (end < 0) throw new Error("the runner's report is cut short (its log was larger than the node keeps)");
  const field = (name: string) =>
    lines
      .slice(begin + 1, end)
      .find((line) => line.startsWith(`${name} `))
      ?.slice(name.length + 1);
  const exitCode = Number(lines[begin]?.slice(`${BEGIN} exit=`.length));
  const summary = field("summary");
  const samples = field("samples");
  if (summary === undefined) throw new Error(`the runner left no summary (it exited ${exitCode})`);
  if (samples === undefined) throw new Error(`the runner left no samples (it exited ${exitCode})`);
  return {
    exitCode,
    summary: Buffer.from(summary, "base64").toString("utf8"),
    samples: gunzipSync(Buffer.from(samples, "base64")).toString("utf8"),
  };
}
