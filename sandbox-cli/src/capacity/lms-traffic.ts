import type { LoadRunResult } from "../loadtest/result-schema.ts";
import type { PlaybackOutcome } from "./find-capacity.ts";
import type { LmsTraffic } from "./model.ts";

/** Per-learner LMS traffic from totals: bytes each way over learner-seconds (learners x seconds active). */
export function lmsTrafficFromTotals(totals: {
  downBytes: number;
  upBytes: number;
  learnerSeconds: number;
}): LmsTraffic {
  if (!(totals.learnerSeconds > 0)) return { downKbps: 0, upKbps: 0 };
  return {
    downKbps: (totals.downBytes * 8) / totals.learnerSeconds / 1000,
    upKbps: (totals.upBytes * 8) / totals.learnerSeconds / 1000,
  };
}

/**
 * A floor for the LMS traffic from the course alone: every non-media byte of the package fetched once
 * per session (what a learner's browser loads at least; runtime commits come on top).
 */
export function lmsTrafficFromCourse(course: {
  files: { uncompressedBytes: number; mediaBytes?: number };
  media: readonly { sizeBytes?: number; durationS?: number }[];
  sessionS?: number;
}): LmsTraffic {
  // media (videos and their streaming ladders) comes from the media server, not the LMS
  const mediaBytes =
    course.files.mediaBytes ?? course.media.reduce((sum, item) => sum + (item.sizeBytes ?? 0), 0);
  const downBytes = Math.max(0, course.files.uncompressedBytes - mediaBytes);
  const sessionS = course.sessionS ?? courseSessionS(course.media);
  return lmsTrafficFromTotals({ downBytes, upBytes: 0, learnerSeconds: sessionS });
}

/** A learner's session: the longest video of the course, and at least 10 minutes. */
export const courseSessionS = (media: readonly { durationS?: number }[]) =>
  Math.max(600, ...media.map((m) => m.durationS ?? 0));

/** Learner-seconds in a run, from its timeline (active learners x bucket width). */
export function learnerSeconds(timeline: LoadRunResult["timeline"]): number {
  let total = 0;
  for (const [i, point] of timeline.entries()) {
    const previous = timeline[i - 1];
    // the last bucket is as wide as the one before it (1 s when it is the only one)
    const width = (timeline[i + 1]?.t ?? point.t + (previous ? point.t - previous.t : 1)) - point.t;
    total += point.activeLearners * Math.max(0, width);
  }
  return total;
}

const counterOf = (run: LoadRunResult, name: string) => {
  const metric = run.metrics[name];
  return metric?.type === "counter" ? metric.values.count : undefined;
};

/**
 * Per-learner LMS traffic measured by a learner-journey run (no video): bytes received over
 * learner-seconds, and bytes sent when the engine counts them (`data_sent`).
 */
export function lmsTrafficFromLoadRun(run: LoadRunResult): LmsTraffic {
  const downBytes =
    counterOf(run, "data_received") ?? run.timeline.reduce((sum, point) => sum + point.bytesIn, 0);
  return lmsTrafficFromTotals({
    downBytes,
    upBytes: counterOf(run, "data_sent") ?? 0,
    learnerSeconds: learnerSeconds(run.timeline),
  });
}

/**
 * What the capacity search needs from an hls-viewer run: mean rebuffer ratio over sessions, p95 segment
 * fetch time over the segment duration, and the failed-request rate.
 */
export function playbackFromLoadRun(
  run: Pick<LoadRunResult, "metrics">,
  segmentDurationS: number,
): PlaybackOutcome {
  const rebuffer = run.metrics.hls_rebuffer_ratio;
  const fetch = run.metrics.hls_segment_fetch_time;
  const failed = run.metrics.http_req_failed;
  const fetchP95Ms =
    fetch?.type === "trend" && fetch.values.count > 0 ? fetch.values.p95 : Number.POSITIVE_INFINITY;
  return {
    rebufferRatio: rebuffer?.type === "trend" && rebuffer.values.count > 0 ? rebuffer.values.avg : 1,
    p95SegmentFetchOverDuration: fetchP95Ms / 1000 / segmentDurationS,
    errorRate: failed?.type === "rate" ? failed.values.rate : 0,
  };
}
