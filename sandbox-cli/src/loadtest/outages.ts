import { ValueBuffer } from "../../../loadtests/lib/stats.ts";
import type { OutageWindow } from "./result-schema.ts";

/**
 * Outage windows found in the raw samples: stretches of a run in which a scenario's requests failed
 * until they succeeded again. Requests are placed at the time they were sent (their sample time minus
 * their duration), not when they ended: a server that hangs on a lost database for 10 s before failing
 * was out from the first of those requests on. A window opens at a failed request and closes at the first success that
 * RECOVERY_STREAK successes in a row confirm (a lone success between failures does not end an outage);
 * windows with fewer than MIN_FAILURES failed requests are ordinary errors, already in http_req_failed.
 */
export const RECOVERY_STREAK = 3;
export const MIN_FAILURES = 3;

/** Collects every request's outcome per scenario while the merge reads the sample files. */
export class OutageTracker {
  /** per scenario: round(t ms * 1000) * 2 + failed, exact integers in a double, sortable by time. */
  private readonly requests = new Map<string, ValueBuffer>();
  private readonly iterationErrors = new Map<string, ValueBuffer>();

  request(scenario: string | undefined, tMs: number, failed: boolean): void {
    this.list(this.requests, scenario).push(Math.round(tMs * 1000) * 2 + (failed ? 1 : 0));
  }

  iterationError(scenario: string | undefined, tMs: number): void {
    this.list(this.iterationErrors, scenario).push(tMs);
  }

  windows(): OutageWindow[] {
    const out: OutageWindow[] = [];
    for (const [scenario, events] of [...this.requests].sort(([a], [b]) => a.localeCompare(b))) {
      const errors = this.iterationErrors.get(scenario)?.sorted() ?? new Float64Array(0);
      for (const w of scan(events.sorted())) {
        const until = w.recoveredMs ?? Number.POSITIVE_INFINITY;
        out.push({
          scenario,
          startS: seconds(w.startMs),
          recoveredS: w.recoveredMs === null ? null : seconds(w.recoveredMs),
          timeToRecoverS: w.recoveredMs === null ? null : seconds(w.recoveredMs - w.startMs),
          lastFailureS: seconds(w.lastFailureMs),
          failedRequests: w.failures,
          failedIterations: errors.filter((t) => t >= w.startMs && t <= until).length,
        });
      }
    }
    return out.sort((a, b) => a.startS - b.startS);
  }

  private list(map: Map<string, ValueBuffer>, scenario: string | undefined): ValueBuffer {
    const key = scenario ?? "unknown";
    let list = map.get(key);
    if (!list) {
      list = new ValueBuffer();
      map.set(key, list);
    }
    return list;
  }
}

const seconds = (ms: number) => Math.round(ms) / 1000;

interface RawWindow {
  startMs: number;
  lastFailureMs: number;
  recoveredMs: number | null;
  failures: number;
}

function scan(events: Float64Array): RawWindow[] {
  const found: RawWindow[] = [];
  let open: RawWindow | undefined;
  let streak = 0;
  let streakStartMs = 0;
  const close = (recoveredMs: number | null) => {
    if (open && open.failures >= MIN_FAILURES) found.push({ ...open, recoveredMs });
    open = undefined;
    streak = 0;
  };
  for (const code of events) {
    const tMs = Math.floor(code / 2) / 1000;
    if (code % 2 === 1) {
      if (!open) open = { startMs: tMs, lastFailureMs: tMs, recoveredMs: null, failures: 0 };
      open.failures++;
      open.lastFailureMs = tMs;
      streak = 0;
    } else if (open) {
      if (streak === 0) streakStartMs = tMs;
      if (++streak >= RECOVERY_STREAK) close(streakStartMs);
    }
  }
  if (open) close(streak > 0 ? streakStartMs : null);
  return found;
}
