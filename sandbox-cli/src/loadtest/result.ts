import { ENGINE } from "../../../loadtests/lib/engine.ts";
import type { MergedRun } from "./merge.ts";
import type { LoadPlan } from "./plan.ts";
import {
  type ContainerResources,
  type LoadRunResult,
  loadRunResultSchema,
  type ThresholdResult,
} from "./result-schema.ts";
import { summarizeMetric } from "./summarize.ts";

export interface IntegrityCounts {
  readonly commitsStored: number;
  readonly statementsStored: number;
}

/** Commits and statements the learners saw acknowledged, against what the LMS stored for the run: any loss fails. */
export function integrityOf(merged: MergedRun, stored: IntegrityCounts | null): LoadRunResult["integrity"] {
  if (!stored) return null;
  const commitsSent = merged.metrics.get("lms_commits_sent")?.sum ?? 0;
  const statementsSent = merged.metrics.get("lms_statements_sent")?.sum ?? 0;
  return {
    commitsSent,
    commitsStored: stored.commitsStored,
    statementsSent,
    statementsStored: stored.statementsStored,
    ok: stored.commitsStored >= commitsSent && stored.statementsStored >= statementsSent,
  };
}

/** The LoadRunResult of a run: pure, from the plan, the merged samples and what was measured beside them. */
export function buildLoadRunResult(args: {
  plan: LoadPlan;
  sandbox: string;
  startedAt: Date;
  endedAt: Date;
  merged: MergedRun;
  thresholds: ThresholdResult[];
  resources: ContainerResources[];
  integrity: LoadRunResult["integrity"];
}): LoadRunResult {
  const { plan, merged } = args;
  const metrics: LoadRunResult["metrics"] = {};
  for (const [name, metric] of [...merged.metrics].sort(([a], [b]) => a.localeCompare(b))) {
    metrics[name] = summarizeMetric(metric, merged.elapsedS);
  }
  const result: LoadRunResult = {
    schemaVersion: 1,
    runId: plan.runId,
    startedAt: args.startedAt.toISOString(),
    endedAt: args.endedAt.toISOString(),
    sandbox: args.sandbox,
    plan: {
      learners: plan.learners,
      rampUpS: plan.rampUpS,
      durationS: plan.durationS,
      runners: plan.runners,
      ...(plan.site ? { site: plan.site.name } : {}),
      scenarios: plan.scenarios,
    },
    metrics,
    thresholds: args.thresholds,
    passed: args.thresholds.every((t) => t.ok) && (args.integrity?.ok ?? true),
    timeline: merged.timeline,
    outages: merged.outages ?? [],
    resources: args.resources,
    integrity: args.integrity,
    engine: { ...ENGINE },
  };
  return loadRunResultSchema.parse(result);
}
