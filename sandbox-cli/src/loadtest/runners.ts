import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bundleRunner } from "../../../loadtests/bundle.ts";
import type { EngineSummary } from "../../../loadtests/lib/engine.ts";
import { infrastructureError } from "../errors.ts";
import { docker } from "../runtime/docker.ts";
import { demuxDockerLogs } from "../runtime/docker-logs.ts";
import { ensureImage } from "../runtime/images.ts";
import { startProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { writeSecretFile } from "../util/secret-file.ts";

export const LOAD_RUNNER_IMAGE = { name: "sandbox/load-runner", folder: "load-runner" } as const;

export interface RunnerSet {
  /** the config every runner shares (without segment and output paths). */
  readonly config: Record<string, unknown>;
  readonly runners: number;
  /** where raw samples, summaries and logs go (one folder per run). */
  readonly outDir: string;
  /** how long after the runners are launched they all start (they share one start instant). */
  readonly startDelayMs: number;
  readonly maxRunS: number;
}

export interface RunnerOutputs {
  /** epoch ms every runner started at: the run's clock origin. */
  readonly startAtMs: number;
  readonly samplePaths: string[];
  readonly summaries: EngineSummary[];
}

/** Where runner i of a run leaves its raw samples, summary and log. */
export const runnerFiles = (dir: string, i: number) => ({
  samples: join(dir, `samples-${i}.ndjson`),
  summary: join(dir, `summary-${i}.json`),
  log: join(dir, `runner-${i}.log`),
});

/** Every runner's summary; refuses a run in which one runner left none. */
export async function readSummaries(set: RunnerSet, startAtMs: number): Promise<RunnerOutputs> {
  const summaries: EngineSummary[] = [];
  for (let i = 1; i <= set.runners; i++) {
    try {
      summaries.push(JSON.parse(await readFile(runnerFiles(set.outDir, i).summary, "utf8")) as EngineSummary);
    } catch (error) {
      throw infrastructureError(
        "LOAD_RUNNER_FAILED",
        `load runner ${i}/${set.runners} left no summary (see ${runnerFiles(set.outDir, i).log})`,
        "read the runner's log; a runner that was killed or ran out of memory leaves no summary",
        error,
      );
    }
  }
  return {
    startAtMs,
    samplePaths: Array.from({ length: set.runners }, (_, i) => runnerFiles(set.outDir, i + 1).samples),
    summaries,
  };
}

/** R runner processes on this host (Node, the bundled runner), each with its execution segment. */
export async function runLocalRunners(set: RunnerSet, log: Logger): Promise<RunnerOutputs> {
  await mkdir(set.outDir, { recursive: true });
  const bundle = join(set.outDir, "runner.cjs");
  await bundleRunner(bundle);
  const configPath = join(set.outDir, "config.json");
  const startAtMs = Date.now() + set.startDelayMs;
  // the config holds the learners' password
  await writeSecretFile(configPath, JSON.stringify({ ...set.config, startAtMs }));
  const children = Array.from({ length: set.runners }, (_, index) => {
    const i = index + 1;
    const f = runnerFiles(set.outDir, i);
    return startProgram(process.execPath, [bundle], {
      env: {
        LOAD_CONFIG_FILE: configPath,
        LOAD_SEGMENT: `${i}/${set.runners}`,
        LOAD_SAMPLES: f.samples,
        LOAD_SUMMARY: f.summary,
      },
      timeout: (set.maxRunS + 60) * 1000,
      reject: false,
      all: true,
      stdin: "ignore",
    });
  });
  const results = await Promise.all(children);
  for (const [index, result] of results.entries()) {
    await writeFile(runnerFiles(set.outDir, index + 1).log, String(result.all ?? ""));
    if (result.exitCode !== 0)
      log.warn(`load runner ${index + 1}/${set.runners} exited ${result.exitCode ?? result.signal}`);
  }
  return readSummaries(set, startAtMs);
}

export interface ContainerRunnerOptions {
  /** the docker network the runners join: the sandbox's, or a site's behind its gateway. */
  readonly network: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly namePrefix: string;
  readonly memoryMb?: number;
}

/** R runner containers on a docker network, sharing one config through a bind-mounted folder. */
export async function runContainerRunners(
  set: RunnerSet,
  options: ContainerRunnerOptions,
  log: Logger,
): Promise<RunnerOutputs> {
  await mkdir(set.outDir, { recursive: true });
  const image = await ensureImage(LOAD_RUNNER_IMAGE, log);
  const containers = [];
  let startAtMs = 0;
  try {
    for (let i = 1; i <= set.runners; i++) {
      const container = await docker().createContainer({
        name: `${options.namePrefix}-${i}`,
        Image: image.tag,
        Env: [
          "LOAD_CONFIG_FILE=/out/config.json",
          `LOAD_SEGMENT=${i}/${set.runners}`,
          `LOAD_SAMPLES=/out/samples-${i}.ndjson`,
          `LOAD_SUMMARY=/out/summary-${i}.json`,
        ],
        Labels: { ...options.labels, "sandbox.role": "load-runner" },
        HostConfig: {
          Binds: [`${set.outDir}:/out`],
          NetworkMode: options.network,
          Memory: (options.memoryMb ?? 1024) * 1024 * 1024,
          RestartPolicy: { Name: "no" },
        },
      });
      containers.push(container);
    }
    // The start instant is fixed once the image exists and the containers are created: those can take long.
    startAtMs = Date.now() + set.startDelayMs;
    await writeSecretFile(join(set.outDir, "config.json"), JSON.stringify({ ...set.config, startAtMs }));
    await Promise.all(containers.map((c) => c.start()));
    const deadline = (startAtMs - Date.now()) / 1000 + set.maxRunS + 60;
    await Promise.all(
      containers.map(async (container, index) => {
        const timer = setTimeout(() => container.kill().catch(() => undefined), Math.max(1, deadline) * 1000);
        try {
          const result = (await container.wait()) as { StatusCode?: number };
          const logs = await container.logs({ stdout: true, stderr: true, follow: false });
          await writeFile(runnerFiles(set.outDir, index + 1).log, demuxDockerLogs(logs as unknown as Buffer));
          if (result.StatusCode !== 0)
            log.warn(`load runner container ${index + 1}/${set.runners} exited ${result.StatusCode}`);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  } finally {
    await Promise.all(containers.map((c) => c.remove({ force: true, v: true }).catch(() => undefined)));
  }
  return readSummaries(set, startAtMs);
}
