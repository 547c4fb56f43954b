import { describe, expect, it } from "vitest";
import { notStartedReason } from "../../../sandbox-cli/src/loadtest/job-runners.ts";

describe("notStartedReason (a runner pod before the shared start)", () => {
  it("names the scheduler's reason for a pod that found no room", () => {
    const pod = {
      metadata: { name: "load-x-2-abc" },
      status: {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/1 nodes are available: 1 Insufficient cpu.",
          },
        ],
      },
    };
    expect(notStartedReason(pod)).toBe("not scheduled: 0/1 nodes are available: 1 Insufficient cpu.");
  });

  it("names a waiting container's reason (an image that cannot be pulled)", () => {
    const pod = {
      metadata: { name: "p" },
      status: {
        conditions: [{ type: "PodScheduled", status: "True" }],
        containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff", message: "not found" } } }],
      },
    };
    expect(notStartedReason(pod)).toBe("ImagePullBackOff: not found");
  });

  it("is undefined once the container runs or has run, and says so when no pod exists yet", () => {
    const running = { metadata: { name: "p" }, status: { containerStatuses: [{ state: { running: {} } }] } };
    const ended = { metadata: { name: "p" }, status: { containerStatuses: [{ state: { terminated: {} } }] } };
    expect(notStartedReason(running)).toBeUndefined();
    expect(notStartedReason(ended)).toBeUndefined();
    expect(notStartedReason(undefined)).toBe("no pod yet");
  });
});
