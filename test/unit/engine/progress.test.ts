import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import { describe, expect, it } from "vitest";
import { progressReporter } from "../../../sandbox-cli/src/engine/progress.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";

const policyEvent = (enforcementLevel: "mandatory" | "warning") =>
  ({
    sequence: 1,
    timestamp: 0,
    policyEvent: {
      resourceUrn: "urn:pulumi:kv-up::elearning-sandbox::kubernetes:apps/v1:Deployment::media-nginx",
      message: 'Images come from an allowed registry.\nDeployment "media-nginx": image "x" is not allowed',
      color: "never",
      policyName: "images-from-allowed-registries",
      policyPackName: "elearning-sandbox-it",
      policyPackVersion: "1.0.0",
      policyPackVersionTag: "1.0.0",
      enforcementLevel,
    },
  }) as EngineEvent;

describe("the engine's progress", () => {
  it("keeps a mandatory policy violation as the failure's cause, naming the rule and the resource", () => {
    const progress = progressReporter(silentLogger);
    progress.onEvent(policyEvent("warning"));
    expect(progress.errors).toEqual([]);
    progress.onEvent(policyEvent("mandatory"));
    expect(progress.errors).toEqual([
      'policy images-from-allowed-registries (media-nginx): Images come from an allowed registry.\nDeployment "media-nginx": image "x" is not allowed',
    ]);
  });
});
