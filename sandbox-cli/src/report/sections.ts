import { predictedForRendition } from "../capacity/measured.ts";
import type { SiteCapacity } from "../capacity/result-schema.ts";
import type { CourseProfile } from "../course/profile.ts";
import type { LoadRunResult, MetricSummary } from "../loadtest/result-schema.ts";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import { round } from "./format.ts";
import type { CourseSection, LoadSection, ResourceSeries, SiteRow } from "./schema.ts";
import { boundedCapacity, type SiteBystander, siteBystander } from "./site-bystander.ts";

/**
 * A site whose expected learners exceed its capacity by more than this factor, with no smaller
 * rendition that lets them all in, cannot be fixed by scheduling: the verdict is REJECT.
 */
export const FAR_OVER_CAPACITY_FACTOR = 2;

/** Charts stay readable and report.json small: longer series are thinned to this many points. */
export const MAX_SERIES_POINTS = 400;

/**
 * One row per site in the spec, joined with the capacity model's figures for it. Each rendition's
 * capacity is the measured N_max for the rendition a shaped run pinned, else the model's prediction.
 * fit: fits (at the top rendition) | smaller-rendition (a lower one lets everyone in) | fewer-learners
 * (over the best rendition's capacity by at most FAR_OVER_CAPACITY_FACTOR: run in waves) |
 * over-capacity | unknown; capacity/capacityRendition: the figure that fit is judged on.
 */
export function buildSiteRows(sites: readonly ResolvedSite[], capacity: readonly SiteCapacity[]): SiteRow[] {
  const names = new Set([...sites.map((s) => s.name), ...capacity.map((c) => c.site)]);
  return [...names].map((name) => {
    const site = sites.find((s) => s.name === name);
    const cap = capacity.find((c) => c.site === name);
    const renditions = [...(cap?.renditions ?? [])].sort((a, b) => b.peakKbps - a.peakKbps);
    const expected = site?.learners ?? cap?.expectedLearners ?? 0;
    const measured = cap?.measuredNMax ?? null;
    // a measurement that names no rendition predates pinning: it counts for the top one
    const measuredRendition =
      measured === null ? null : (cap?.measurement?.rendition ?? renditions[0]?.rendition ?? null);
    const bystander = cap?.bystander ? siteBystander(cap.bystander) : null;
    const judged = cap
      ? withHarmBound(
          judgeFit(expected, effectiveCapacities(cap, renditions, measured, measuredRendition)),
          expected,
          bystander,
        )
      : null;
    return {
      site: name,
      profile: site?.profile ?? null,
      downlinkMbps: site?.downlinkMbps ?? cap?.downlinkMbps ?? 0,
      uplinkMbps: site?.uplinkMbps ?? cap?.uplinkMbps ?? 0,
      rttMs: site?.rttMs ?? cap?.rttMs ?? 0,
      trainingShare: site?.trainingShare ?? cap?.trainingShare ?? 0,
      expectedLearners: expected,
      predictedNMax: renditions[0]?.predictedNMax ?? cap?.predictedNMax ?? null,
      predictedRendition: renditions[0]?.rendition ?? null,
      measuredNMax: measured,
      measuredRendition,
      predictedAtMeasuredRendition:
        cap && measured !== null ? predictedForRendition(cap, measuredRendition) : null,
      capacity: judged?.capacity ?? null,
      capacityRendition: judged?.rendition ?? null,
      measuredThroughputMbps: cap?.measuredThroughputMbps ?? null,
      ...(judged ? { capacityBound: judged.bound } : {}),
      ...(bystander ? { bystander } : {}),
      fit: judged?.fit ?? "unknown",
      fittingRendition: judged?.fit === "smaller-rendition" ? judged.rendition : null,
      renditions: renditions.map((r) => ({ ...r, perLearnerMbps: round(r.perLearnerMbps) })),
      whatIf: (cap?.whatIf ?? []).map((w) => ({ change: w.change, predictedNMax: w.predictedNMax })),
    };
  });
}

interface RenditionCapacity {
  readonly rendition: string | null;
  readonly nMax: number;
}

/** Learners at once per rendition, top first: measured where a run pinned it, else predicted. */
function effectiveCapacities(
  cap: SiteCapacity,
  renditions: SiteCapacity["renditions"],
  measured: number | null,
  measuredRendition: string | null,
): RenditionCapacity[] {
  if (renditions.length === 0) return [{ rendition: null, nMax: measured ?? cap.predictedNMax }];
  return renditions.map((r) => ({
    rendition: r.rendition,
    nMax: measured !== null && r.rendition === measuredRendition ? measured : r.predictedNMax,
  }));
}

function judgeFit(
  expected: number,
  capacities: readonly RenditionCapacity[],
): { fit: SiteRow["fit"]; capacity: number; rendition: string | null } {
  const top = capacities[0] as RenditionCapacity;
  if (expected <= top.nMax) return { fit: "fits", capacity: top.nMax, rendition: top.rendition };
  const smaller = capacities.slice(1).find((c) => c.nMax >= expected);
  if (smaller) return { fit: "smaller-rendition", capacity: smaller.nMax, rendition: smaller.rendition };
  const best = capacities.reduce((a, b) => (b.nMax > a.nMax ? b : a));
  const fit = expected <= FAR_OVER_CAPACITY_FACTOR * best.nMax ? "fewer-learners" : "over-capacity";
  return { fit, capacity: best.nMax, rendition: best.rendition };
}

/** The fit again when harm to the bystander allows fewer learners than playback does. */
function withHarmBound(
  judged: ReturnType<typeof judgeFit>,
  expected: number,
  bystander: SiteBystander | null,
): ReturnType<typeof judgeFit> & { bound: "playback" | "harm" } {
  const { capacity, bound } = boundedCapacity(judged.capacity, bystander);
  if (bound === "playback" || expected <= capacity) return { ...judged, bound };
  const fit = expected <= FAR_OVER_CAPACITY_FACTOR * capacity ? "fewer-learners" : "over-capacity";
  return { fit, capacity, rendition: judged.rendition, bound };
}

export function buildCourseSection(profile: CourseProfile): CourseSection {
  return {
    title: profile.title ?? null,
    format: profile.format,
    edition: profile.edition ?? null,
    valid: profile.valid,
    sha256: profile.sha256,
    launches: profile.launches.map((l) => ({ id: l.id, title: l.title, url: l.url })),
    files: { ...profile.files },
    media: profile.media.map((m) => ({
      path: m.path,
      kind: m.kind,
      durationS: round(m.durationS, 1),
      bitrateKbps: Math.round(m.bitrateKbps),
      width: m.width ?? null,
      height: m.height ?? null,
    })),
    ladder: profile.playlists.flatMap((p) =>
      p.levels.map((l) => ({
        playlist: p.path,
        bandwidthKbps: Math.round(l.bandwidthBps / 1000),
        width: l.width ?? null,
        height: l.height ?? null,
      })),
    ),
    externalHosts: profile.externalHosts.map((h) => ({
      host: h.host,
      plainHttp: h.plainHttp,
      references: h.references,
    })),
    obsoleteTechnology: profile.obsoleteTechnology.map((o) => ({ kind: o.kind, path: o.path })),
    estimatedPeakMbps: round(profile.estimatedPeakMbps),
    findings: profile.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      path: f.path ?? null,
    })),
  };
}

export function buildLoadSection(load: LoadRunResult): LoadSection {
  const timeline = thin(load.timeline).map((point, i, all) => {
    const next = all[i + 1]?.t;
    const previous = all[i - 1]?.t;
    const width = next !== undefined ? next - point.t : previous !== undefined ? point.t - previous : 1;
    return {
      t: round(point.t, 1),
      activeLearners: point.activeLearners,
      requests: point.requests,
      errors: point.errors,
      p95Ms: point.p95Ms === null ? null : round(point.p95Ms, 1),
      throughputMbps: round((point.bytesIn * 8) / 1e6 / Math.max(width, 1e-3)),
    };
  });
  const metric = (...names: string[]) => names.map((n) => load.metrics[n]).find((m) => m !== undefined);
  const duration = metric("http_req_duration");
  const failed = metric("http_req_failed");
  const ttff = metric("hls_time_to_first_frame", "time_to_first_frame", "video_time_to_first_frame");
  const requests = metric("http_reqs");
  return {
    runId: load.runId,
    startedAt: load.startedAt,
    endedAt: load.endedAt,
    plan: { ...load.plan, site: load.plan.site ?? null },
    passed: load.passed,
    summary: {
      requests:
        requests?.type === "counter" ? requests.values.count : sumOr(load.timeline.map((p) => p.requests)),
      httpP95Ms: nullableRound(trendValue(duration, "p95"), 1),
      httpErrorRate: nullableRound(rateValue(failed), 5),
      rebufferRatio: nullableRound(rateValue(metric("hls_rebuffer_ratio", "rebuffer_ratio")), 5),
      timeToFirstFrameP95S: nullableRound(toSeconds(ttff, trendValue(ttff, "p95")), 2),
      peakActiveLearners: Math.max(0, ...load.timeline.map((p) => p.activeLearners)),
      peakThroughputMbps: timeline.length ? Math.max(...timeline.map((p) => p.throughputMbps)) : null,
    },
    timeline,
    integrity: load.integrity ? { ...load.integrity } : null,
    ...(load.outages ? { outages: load.outages.map((o) => ({ ...o })) } : {}),
    resources: load.resources.map(
      (r): ResourceSeries => ({
        container: r.container,
        candidate: r.candidate ?? null,
        role: r.role ?? null,
        cpuLimitCores: r.cpuLimitCores,
        memoryLimitBytes: r.memoryLimitBytes,
        peakCpuCores: round(Math.max(0, ...r.samples.map((s) => s.cpuCores))),
        peakMemoryBytes: Math.max(0, ...r.samples.map((s) => s.memoryBytes)),
        samples: thin(r.samples).map((s) => ({
          t: round(s.t, 1),
          cpuCores: round(s.cpuCores),
          memoryBytes: s.memoryBytes,
        })),
      }),
    ),
  };
}

/** Keeps every k-th point (and the last) so a series has at most MAX_SERIES_POINTS. */
export function thin<T>(points: readonly T[]): T[] {
  if (points.length <= MAX_SERIES_POINTS) return [...points];
  const step = Math.ceil(points.length / MAX_SERIES_POINTS);
  const kept = points.filter((_, i) => i % step === 0);
  const last = points[points.length - 1] as T;
  if (kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}

function trendValue(metric: MetricSummary | undefined, key: "p95" | "avg"): number | null {
  return metric?.type === "trend" ? metric.values[key] : null;
}

function rateValue(metric: MetricSummary | undefined): number | null {
  if (metric?.type === "rate") return metric.values.rate;
  if (metric?.type === "trend") return metric.values.avg;
  if (metric?.type === "gauge") return metric.values.value;
  return null;
}

function toSeconds(metric: MetricSummary | undefined, value: number | null): number | null {
  if (value === null) return null;
  return metric?.type === "trend" && metric.unit === "ms" ? value / 1000 : value;
}

const nullableRound = (n: number | null, decimals: number) => (n === null ? null : round(n, decimals));
const sumOr = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) : null);
