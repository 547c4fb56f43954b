import type { LoadRunResult } from "../loadtest/result-schema.ts";
import type { Thresholds } from "../sandbox-spec/schema.ts";
import { fmtMs, fmtPct, fmtSeconds } from "./format.ts";
import type { LoadSection, ThresholdCheck } from "./schema.ts";

interface MetricWords {
  /** what a failure means to a learner. */
  training: string;
  /** what a pass means to a learner. */
  passed: string;
  /** how to print the observed figure for IT. */
  show: (observed: number) => string;
}

const wordsByMetric: Record<string, MetricWords> = {
  http_req_duration: {
    training: "course pages and saving progress felt slow",
    passed: "pages and progress saves were quick enough",
    show: fmtMs,
  },
  http_req_failed: {
    training: "some learners saw errors while taking the course",
    passed: "learners saw almost no errors",
    show: fmtPct,
  },
  hls_rebuffer_ratio: {
    training: "the course video stalled while learners watched",
    passed: "the video played without stalling",
    show: fmtPct,
  },
  // the load engine measures time to first frame in ms (its threshold reads "p(95)<4000")
  hls_time_to_first_frame: {
    training: "the course video took long to start",
    passed: "the video started quickly",
    show: (ms) => fmtSeconds(ms / 1000),
  },
  server_cpu_share: {
    training: "the LMS server ran out of processing power",
    passed: "the servers had processing power to spare",
    show: fmtPct,
  },
  server_memory_share: {
    training: "the LMS server ran short of memory",
    passed: "the servers had memory to spare",
    show: fmtPct,
  },
  container_cpu_share: {
    training: "a server in the sandbox ran out of processing power",
    passed: "this server had processing power to spare",
    show: fmtPct,
  },
  container_memory_share: {
    training: "a server in the sandbox ran short of memory",
    passed: "this server had memory to spare",
    show: fmtPct,
  },
};

/** "container_cpu_share{container:lms}" -> "container_cpu_share". */
export const metricBase = (metric: string) => metric.replace(/\{.*\}$/, "");

const fallbackWords: MetricWords = {
  training: "a measured quality limit was exceeded",
  passed: "within its limit",
  show: (n) => String(Number(n.toPrecision(4))),
};

export const wordsFor = (metric: string) => wordsByMetric[metricBase(metric)] ?? fallbackWords;

/**
 * Every threshold the run was held to: the load engine's own, plus peak server CPU and memory
 * against the spec's limits (as a share of each container's limit, load runners left out) unless
 * the engine already checked them (its container_cpu_share{container:...} thresholds).
 */
export function buildThresholdChecks(
  load: LoadRunResult,
  section: LoadSection,
  limits: Thresholds,
): ThresholdCheck[] {
  const checks = load.thresholds.map((t) => check(t.metric, t.expression, t.observed, t.ok));
  const servers = section.resources.filter((r) => r.role !== "load-runner");
  const cpuShares = servers
    .filter((r) => r.cpuLimitCores)
    .map((r) => r.peakCpuCores / (r.cpuLimitCores as number));
  const memoryShares = servers
    .filter((r) => r.memoryLimitBytes)
    .map((r) => r.peakMemoryBytes / (r.memoryLimitBytes as number));
  const has = (...metrics: string[]) => load.thresholds.some((t) => metrics.includes(metricBase(t.metric)));
  if (cpuShares.length && !has("server_cpu_share", "container_cpu_share")) {
    const peak = Math.max(...cpuShares);
    checks.push(
      check("server_cpu_share", `max<${limits.serverCpuShare}`, peak, peak < limits.serverCpuShare),
    );
  }
  if (memoryShares.length && !has("server_memory_share", "container_memory_share")) {
    const peak = Math.max(...memoryShares);
    checks.push(
      check("server_memory_share", `max<${limits.serverMemoryShare}`, peak, peak < limits.serverMemoryShare),
    );
  }
  return checks;
}

function check(metric: string, expression: string, observed: number | null, ok: boolean): ThresholdCheck {
  const words = wordsFor(metric);
  const seen = observed === null ? "not measured" : words.show(observed);
  return {
    name: `${metric} ${expression}`,
    metric,
    expression,
    observed: observed === null ? null : Number(observed.toPrecision(6)),
    ok,
    training: ok ? words.passed : words.training,
    it: `${metric} = ${seen}, limit ${expression}${ok ? "" : " (failed)"}`,
  };
}
