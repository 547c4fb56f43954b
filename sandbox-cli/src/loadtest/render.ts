import type { LoadRunResult } from "./result-schema.ts";

const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined ? "-" : n.toFixed(digits);

/** The human summary of a run: thresholds first (the verdict), then the headline metrics. */
export function renderLoadRun(result: LoadRunResult & { outDir?: string }): string {
  const lines = [
    `load run ${result.runId} on sandbox ${result.sandbox}: ${result.passed ? "PASSED" : "FAILED"}`,
    `  ${result.plan.learners} learners, ramp ${result.plan.rampUpS}s, hold ${result.plan.durationS}s, ${result.plan.runners} runner(s)${result.plan.site ? `, site ${result.plan.site}` : ""}; scenarios ${result.plan.scenarios.join(", ")}`,
    "thresholds:",
    ...result.thresholds.map(
      (t) => `  ${t.ok ? "ok  " : "FAIL"} ${t.metric} ${t.expression} (observed ${fmt(t.observed, 4)})`,
    ),
  ];
  const headline = [
    "http_req_duration",
    "hls_segment_fetch_time",
    "hls_time_to_first_frame",
    "hls_rebuffer_ratio",
  ];
  lines.push("metrics:");
  for (const name of headline) {
    const m = result.metrics[name];
    if (m?.type === "trend")
      lines.push(
        `  ${name}: n=${m.values.count} med=${fmt(m.values.med, 3)} p95=${fmt(m.values.p95, 3)} max=${fmt(m.values.max, 3)} ${m.unit}`,
      );
  }
  const reqs = result.metrics.http_reqs;
  const failed = result.metrics.http_req_failed;
  if (reqs?.type === "counter") lines.push(`  http_reqs: ${reqs.values.count} (${fmt(reqs.values.rate)}/s)`);
  if (failed?.type === "rate") lines.push(`  http_req_failed: ${fmt(failed.values.rate * 100, 2)}%`);
  if (result.integrity) {
    const i = result.integrity;
    lines.push(
      `integrity: ${i.ok ? "ok" : "LOSS"} (commits ${i.commitsStored}/${i.commitsSent} stored, statements ${i.statementsStored}/${i.statementsSent})`,
    );
  }
  for (const o of result.outages ?? [])
    lines.push(
      `outage: ${o.scenario} failing from ${o.startS}s, ${o.recoveredS === null ? "not recovered by the end" : `back at ${o.recoveredS}s (${o.timeToRecoverS}s to recover)`}; ${o.failedRequests} failed requests, ${o.failedIterations} failed iterations`,
    );
  if (result.outDir) lines.push(`raw samples and result: ${result.outDir}`);
  return lines.join("\n");
}
