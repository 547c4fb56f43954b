export {
  type CapacityProbe,
  type CapacitySearchOptions,
  type CapacitySearchResult,
  DEFAULT_FETCH_OVER_DURATION_LIMIT,
  type DegradationLimits,
  degradationReasons,
  findCapacity,
  type PlaybackOutcome,
  type RunLearners,
} from "./find-capacity.ts";
export { downlinkNeededMbps, type SiteLink, trainingBudget } from "./link-share.ts";
export {
  learnerSeconds,
  lmsTrafficFromCourse,
  lmsTrafficFromLoadRun,
  lmsTrafficFromTotals,
  playbackFromLoadRun,
} from "./lms-traffic.ts";
export {
  type MeasuredRendition,
  predictedForRendition,
  predictionError,
  renditionToPin,
  withMeasurement,
} from "./measured.ts";
export {
  type CapacityOptions,
  capacityResult,
  defaultWhatIfs,
  type LmsTraffic,
  nMaxFor,
  perLearnerKbps,
  type RenditionPeak,
  siteCapacity,
  type WhatIf,
} from "./model.ts";
export {
  type CapacityResult,
  capacityResultSchema,
  type SiteCapacity,
  siteCapacitySchema,
} from "./result-schema.ts";
