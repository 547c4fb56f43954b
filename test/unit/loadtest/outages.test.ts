import { describe, expect, it } from "vitest";
import { OutageTracker } from "../../../sandbox-cli/src/loadtest/outages.ts";

/** requests of one scenario as [t ms, failed] in any order (runners' files are read one after another). */
function windows(requests: [number, boolean][], iterationErrors: number[] = []) {
  const tracker = new OutageTracker();
  for (const [t, failed] of requests) tracker.request("learner-journey", t, failed);
  for (const t of iterationErrors) tracker.iterationError("learner-journey", t);
  return tracker.windows();
}

const ok = (t: number): [number, boolean] => [t, false];
const fail = (t: number): [number, boolean] => [t, true];

describe("outage windows from raw request outcomes", () => {
  it("finds none in a healthy run, nor for a few scattered errors", () => {
    expect(windows([ok(100), ok(200), ok(300)])).toEqual([]);
    expect(windows([ok(100), fail(150), ok(200), ok(250), ok(300), fail(900), ok(1000)])).toEqual([]);
  });

  it("opens at the first failure and closes at the first of three successes in a row", () => {
    const requests = [
      ok(1000),
      fail(5000),
      fail(5500),
      ok(6000),
      fail(6500),
      fail(7000),
      ok(9000),
      ok(9100),
      ok(9200),
    ];
    // shuffled: two runners' samples arrive file by file, not in time order
    expect(windows([...requests].reverse(), [5100, 7100, 9500])).toEqual([
      {
        scenario: "learner-journey",
        startS: 5,
        recoveredS: 9,
        timeToRecoverS: 4,
        lastFailureS: 7,
        failedRequests: 4,
        failedIterations: 2,
      },
    ]);
  });

  it("counts a run that ends while failing as not recovered", () => {
    expect(windows([ok(1000), fail(2000), fail(2100), fail(2200)])).toMatchObject([
      { startS: 2, recoveredS: null, timeToRecoverS: null, failedRequests: 3 },
    ]);
  });

  it("keeps scenarios apart: the media server can be up while the LMS is down", () => {
    const tracker = new OutageTracker();
    for (const t of [1000, 1100, 1200]) tracker.request("learner-journey", t, true);
    for (const t of [1000, 1100, 1200]) tracker.request("hls-viewer", t, false);
    tracker.request("learner-journey", 3000, false);
    expect(tracker.windows()).toMatchObject([
      { scenario: "learner-journey", startS: 1, recoveredS: 3, timeToRecoverS: 2 },
    ]);
  });
});
