import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bundleRunner } from "../../loadtests/bundle.ts";
import type { EngineSummary } from "../../loadtests/lib/engine.ts";
import type { PlaybackOutcome } from "../../sandbox-cli/src/capacity/index.ts";
import { docker } from "../../sandbox-cli/src/runtime/docker.ts";

/**
 * Runs N hls-viewer learners of the project's load engine in one container on a site network (so
 * they reach the media only through the site's gateway) and turns its summary into a playback outcome.
 * The runner bundle targets Node 18, which the site-gateway image has; once images/load-runner exists,
 * `runContainerRunners` (sandbox-cli/src/loadtest/runners.ts) does the same with the real runner image.
 */
export async function runViewersAtSite(args: {
  readonly learners: number;
  readonly network: string;
  readonly image: string;
  readonly labels: Record<string, string>;
  readonly mediaBaseUrl: string;
  readonly playlist: string;
  readonly segmentDurationS: number;
  readonly watchS: number;
  readonly rampS: number;
  readonly workDir: string;
}): Promise<PlaybackOutcome & { summary: EngineSummary }> {
  const dir = join(args.workDir, `n${args.learners}-${Date.now().toString(36)}`);
  await mkdir(dir, { recursive: true });
  await bundleRunner(join(dir, "runner.cjs"));
  const maxRunS = args.rampS + args.watchS + 40;
  await writeFile(
    join(dir, "config.json"),
    JSON.stringify({
      runId: `bench-capacity-${args.learners}`,
      samplesPath: "/out/samples.ndjson",
      summaryPath: "/out/summary.json",
      maxRunS,
      scenarios: {
        "hls-viewer": {
          stages: [
            // learners arrive over a few seconds, not all in the same instant
            { durationS: args.rampS, target: args.learners },
            { durationS: args.watchS + 10, target: args.learners },
          ],
          gracefulRampDownS: 5,
          gracefulStopS: 5,
          mediaBaseUrl: args.mediaBaseUrl,
          masters: [args.playlist],
          watchS: args.watchS,
        },
      },
    }),
  );
  const container = await docker().createContainer({
    Image: args.image,
    Entrypoint: ["node", "/out/runner.cjs"],
    Cmd: [],
    Env: ["LOAD_CONFIG_FILE=/out/config.json"],
    Labels: { ...args.labels, "sandbox.role": "load-runner" },
    HostConfig: { Binds: [`${dir}:/out`], NetworkMode: args.network, RestartPolicy: { Name: "no" } },
  });
  try {
    await container.start();
    const timer = setTimeout(() => container.kill().catch(() => undefined), (maxRunS + 30) * 1000);
    const exit = (await container.wait()) as { StatusCode: number };
    clearTimeout(timer);
    if (exit.StatusCode !== 0) throw new Error(`load runner exited ${exit.StatusCode}`);
    const summary = JSON.parse(await readFile(join(dir, "summary.json"), "utf8")) as EngineSummary;
    const rebuffer = summary.metrics.hls_rebuffer_ratio;
    const fetch = summary.metrics.hls_segment_fetch_time;
    const failed = summary.metrics.http_req_failed;
    return {
      summary,
      rebufferRatio: rebuffer?.type === "trend" && rebuffer.values.count > 0 ? rebuffer.values.avg : 1,
      p95SegmentFetchOverDuration:
        fetch?.type === "trend" && fetch.values.count > 0
          ? fetch.values.p95 / 1000 / args.segmentDurationS
          : Number.POSITIVE_INFINITY,
      errorRate: failed?.type === "rate" ? failed.values.rate : 0,
    };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
