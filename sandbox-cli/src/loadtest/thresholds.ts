import type { Thresholds } from "../sandbox-spec/index.ts";
import type { MergedMetric, MergedRun } from "./merge.ts";
import type { ContainerResources, ThresholdResult } from "./result-schema.ts";
import { parseSelector, type Selector } from "./selectors.ts";
import { aggregate } from "./summarize.ts";

/** One threshold: a metric (optionally tag-filtered) and an expression such as "p(95)<800". */
export interface ThresholdSpec {
  readonly metric: string;
  readonly expression: string;
  /** true when "no data" passes (e.g. no video in the course, no viewer ran). */
  readonly passWhenNoData?: boolean;
  /** k6's rule for a script: a metric with no samples is judged as 0 (an empty rate is 0, an empty trend's p(95) is 0). */
  readonly zeroWhenNoData?: boolean;
}

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function parseExpression(text: string): { aggregation: string; op: string; bound: number } {
  const match = EXPRESSION.exec(text);
  if (!match?.[1] || !match[2] || !match[3]) {
    throw new Error(
      `threshold "${text}" is not understood: write <aggregation><op><number>, e.g. "p(95)<800", "rate<0.01", "avg<0.02"`,
    );
  }
  return { aggregation: match[1], op: match[2], bound: Number(match[3]) };
}

const compare = (value: number, op: string, bound: number) =>
  op === "<"
    ? value < bound
    : op === "<="
      ? value <= bound
      : op === ">"
        ? value > bound
        : op === ">="
          ? value >= bound
          : op === "==" || op === "==="
            ? value === bound
            : value !== bound;

/**
 * The thresholds the spec's policy asks for, in engine metric names. Video thresholds only when the plan
 * has viewers; server CPU/memory thresholds are evaluated over resource samples (see evaluateResourceThresholds).
 */
export function thresholdsFromPolicy(policy: Thresholds, options: { video: boolean }): ThresholdSpec[] {
  const out: ThresholdSpec[] = [
    { metric: "http_req_duration", expression: `p(95)<${policy.httpP95Ms}` },
    { metric: "http_req_failed", expression: `rate<${policy.httpErrorRate}`, passWhenNoData: true },
  ];
  if (options.video) {
    out.push(
      { metric: "hls_rebuffer_ratio", expression: `avg<${policy.rebufferRatio}` },
      { metric: "hls_time_to_first_frame", expression: `p(95)<${policy.timeToFirstFrameP95S * 1000}` },
    );
  }
  return out;
}

/** Selectors the merge must compute for these thresholds (tag-filtered metrics). */
export function thresholdSelectors(thresholds: readonly ThresholdSpec[]): Selector[] {
  return thresholds.map((t) => parseSelector(t.metric)).filter((s) => Object.keys(s.tags).length > 0);
}

/** Judges one threshold over a merged metric (undefined: no sample of it) of a run `elapsedS` long. */
export function judgeThreshold(
  threshold: ThresholdSpec,
  metric: MergedMetric | undefined,
  elapsedS: number,
): ThresholdResult {
  const { aggregation, op, bound } = parseExpression(threshold.expression);
  const measured = metric ? aggregate(metric, aggregation, elapsedS) : null;
  const observed = measured === null && threshold.zeroWhenNoData ? 0 : measured;
  const ok = observed === null ? Boolean(threshold.passWhenNoData) : compare(observed, op, bound);
  return { metric: threshold.metric, expression: threshold.expression, observed, ok };
}

/** Evaluates thresholds over the merged data of every runner. */
export function evaluateThresholds(
  thresholds: readonly ThresholdSpec[],
  merged: MergedRun,
): ThresholdResult[] {
  return thresholds.map((threshold) =>
    judgeThreshold(threshold, merged.metrics.get(parseSelector(threshold.metric).key), merged.elapsedS),
  );
}

/** Peak CPU and memory of the candidate containers against their limits (policy serverCpuShare/MemoryShare). */
export function evaluateResourceThresholds(
  policy: Thresholds,
  resources: readonly ContainerResources[],
): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const container of resources.filter((c) => c.role !== "load-runner")) {
    if (container.cpuLimitCores) {
      const peak = Math.max(0, ...container.samples.map((s) => s.cpuCores)) / container.cpuLimitCores;
      out.push({
        metric: `container_cpu_share{container:${container.container}}`,
        expression: `max<${policy.serverCpuShare}`,
        observed: peak,
        ok: peak < policy.serverCpuShare,
      });
    }
    if (container.memoryLimitBytes) {
      const peak = Math.max(0, ...container.samples.map((s) => s.memoryBytes)) / container.memoryLimitBytes;
      out.push({
        metric: `container_memory_share{container:${container.container}}`,
        expression: `max<${policy.serverMemoryShare}`,
        observed: peak,
        ok: peak < policy.serverMemoryShare,
      });
    }
  }
  return out;
}
