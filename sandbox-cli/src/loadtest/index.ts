/** Load testing: plan, run (local processes or runner containers), exact merge, thresholds, integrity. */
export { type MergedMetric, type MergedRun, mergeSampleFiles } from "./merge.ts";
export { buildLoadPlan, LEARNER_PREFIX, type LoadPlan, type PlanInput, type PlanTargets } from "./plan.ts";
export { type ContainerToSample, resourceSample, startResourceSampler } from "./resources.ts";
export { buildLoadRunResult, integrityOf } from "./result.ts";
export type { ContainerResources, LoadRunResult, MetricSummary, ThresholdResult } from "./result-schema.ts";
export { type RunLoadOptions, runLoad } from "./run.ts";
export {
  LOAD_RUNNER_IMAGE,
  type RunnerOutputs,
  type RunnerSet,
  runContainerRunners,
  runLocalRunners,
} from "./runners.ts";
export { checkTargets, type OwnedEndpoints } from "./safety.ts";
export { summarizeMetric } from "./summarize.ts";
export { evaluateThresholds, type ThresholdSpec, thresholdsFromPolicy } from "./thresholds.ts";
