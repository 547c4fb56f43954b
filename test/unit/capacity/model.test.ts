import { describe, expect, it } from "vitest";
import {
  capacityResult,
  nMaxFor,
  perLearnerKbps,
  siteCapacity,
} from "../../../sandbox-cli/src/capacity/model.ts";
import { capacityResultSchema } from "../../../sandbox-cli/src/capacity/result-schema.ts";
import type { ResolvedSite } from "../../../sandbox-cli/src/sandbox-spec/resolve-sites.ts";

const smallBranch: ResolvedSite = {
  name: "lyon",
  profile: "small-branch",
  downlinkMbps: 10,
  uplinkMbps: 4,
  rttMs: 40,
  learners: 4,
  trainingShare: 0.5,
};
const ladder = [
  { rendition: "360p", peakKbps: 800 },
  { rendition: "720p", peakKbps: 2400 },
];
const lms = { downKbps: 20, upKbps: 5 };

describe("capacity model: worked examples", () => {
  it("small branch, 10 Mbit/s at 50%: 720p fits 1 learner, 360p fits 5, so 4 learners settle on 360p", () => {
    // 5000 kbit/s for training; 720p needs 2400 x 1.1 + 20 = 2660 per learner, 360p 800 x 1.1 + 20 = 900.
    const result = siteCapacity(smallBranch, ladder, { overhead: 0.1, lms });
    expect(result.renditions.map((r) => [r.rendition, r.predictedNMax])).toEqual([
      ["720p", 1],
      ["360p", 5],
    ]);
    expect(result.renditions[0]?.perLearnerMbps).toBeCloseTo(2.66, 10);
    expect(result.predictedNMax).toBe(5);
    expect(result.settledRendition).toBe("360p");
    expect(result.measuredNMax).toBeNull();
  });

  it("what-ifs: doubling the downlink gives 720p to 3 and 360p to 11; dropping 720p changes nothing here", () => {
    const result = siteCapacity(smallBranch, ladder, { overhead: 0.1, lms });
    expect(result.whatIf).toEqual([
      { change: "downlink 10 Mbit/s -> 20 Mbit/s", predictedNMax: 11, settledRendition: "360p" },
      { change: "ladder without its top rendition (720p)", predictedNMax: 5, settledRendition: "360p" },
    ]);
  });

  it("when the top rendition fits the expected learners the site settles on it", () => {
    const result = siteCapacity({ ...smallBranch, learners: 1 }, ladder, { overhead: 0.1, lms });
    expect(result.settledRendition).toBe("720p");
    expect(result.predictedNMax).toBe(1);
    // without 720p the same learner gets 360p, and the link carries 5 of them
    expect(result.whatIf[1]?.predictedNMax).toBe(5);
  });

  it("a proposed link upgrade may name the uplink too", () => {
    const result = siteCapacity(smallBranch, ladder, {
      overhead: 0.1,
      lms: { downKbps: 20, upKbps: 100 },
      whatIfs: [{ kind: "link", downlinkMbps: 50, uplinkMbps: 20 }],
    });
    // uplink 4 Mbit/s x 0.5 / 100 kbit/s = 20 learners; downlink 50 Mbit/s x 0.5 / 2660 = 9 at 720p
    expect(result.whatIf).toEqual([
      {
        change: "downlink 10 Mbit/s -> 50 Mbit/s, uplink 4 Mbit/s -> 20 Mbit/s",
        predictedNMax: 9,
        settledRendition: "720p",
      },
    ]);
  });

  it("the uplink caps N_max when the LMS sends a lot upstream", () => {
    // downlink: 100 000 x 0.3 / (1000 x 1.1) = 27; uplink: 1000 x 0.3 / 50 = 6
    expect(
      nMaxFor({ downlinkMbps: 100, uplinkMbps: 1, trainingShare: 0.3 }, 1000, 0.1, {
        downKbps: 0,
        upKbps: 50,
      }),
    ).toBe(6);
  });

  it("exact quotients are not lost to binary fractions (4.35 x 1000 = 4349.999...)", () => {
    expect(
      nMaxFor({ downlinkMbps: 4.35, uplinkMbps: 1, trainingShare: 1 }, 870, 0, { downKbps: 0, upKbps: 0 }),
    ).toBe(5);
  });

  it("uses the measured peak, not the nominal bitrate: a 2000 kbit/s rendition peaking at 3100 fits fewer", () => {
    const link = { downlinkMbps: 20, uplinkMbps: 5, trainingShare: 0.8 };
    const none = { downKbps: 0, upKbps: 0 };
    expect(nMaxFor(link, 2000, 0.1, none)).toBe(7); // 16000 / 2200 = 7.27
    expect(nMaxFor(link, 3100, 0.1, none)).toBe(4); // 16000 / 3410 = 4.69
  });

  it("per-learner need is media x (1 + overhead) + LMS", () => {
    expect(perLearnerKbps(1000, 0.25, 40)).toBe(1290);
  });

  it("a site whose link cannot carry one learner has N_max 0", () => {
    const result = siteCapacity({ ...smallBranch, downlinkMbps: 0.5 }, ladder, { overhead: 0.1, lms });
    expect(result.predictedNMax).toBe(0);
    expect(result.settledRendition).toBe("360p");
  });

  it("the whole result validates against the output contract", () => {
    const media = ladder.map((r) => ({ ...r, nominalKbps: r.peakKbps * 0.8, averageKbps: r.peakKbps * 0.7 }));
    const result = capacityResult(
      [smallBranch, { ...smallBranch, name: "paris", downlinkMbps: 100 }],
      media,
      { overhead: 0.1, lms },
    );
    expect(capacityResultSchema.parse(result)).toEqual(result);
    expect(result.sites.map((s) => s.predictedNMax)).toEqual([5, 18]); // paris: 50 000 / 2660 = 18.8 at 720p
    expect(result.media?.[0]?.rendition).toBe("360p");
  });
});
