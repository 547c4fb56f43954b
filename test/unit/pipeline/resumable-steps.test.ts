import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { usageError } from "../../../sandbox-cli/src/errors.ts";
import { ResumableSteps } from "../../../sandbox-cli/src/pipeline/resumable-steps.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";

describe("ResumableSteps", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "steps-"));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("resumes at the failed step and reuses earlier outputs", async () => {
    const state = join(dir, "state.json");
    const calls: string[] = [];
    const first = await ResumableSteps.open(state, "key-1", silentLogger);
    await first.run("up", "up", async () => {
      calls.push("up");
      return { url: "http://127.0.0.1:1" };
    });
    await expect(
      first.run("load", "load", async () => {
        calls.push("load");
        throw usageError("BOOM", "the load step broke", "fix it");
      }),
    ).rejects.toThrow(/step "load" failed: the load step broke/);

    const second = await ResumableSteps.open(state, "key-1", silentLogger);
    const up = await second.run("up", "up", async () => {
      calls.push("up-again");
      return { url: "other" };
    });
    await second.run("load", "load", async () => calls.push("load-again"));
    expect(up).toEqual({ url: "http://127.0.0.1:1" });
    expect(calls).toEqual(["up", "load", "load-again"]);
  });

  it("starts afresh when the key (spec or options) changed", async () => {
    const state = join(dir, "state.json");
    const first = await ResumableSteps.open(state, "key-1", silentLogger);
    await first.run("up", "up", async () => 1);
    const second = await ResumableSteps.open(state, "key-2", silentLogger);
    expect(await second.run("up", "up", async () => 2)).toBe(2);
  });

  it("keeps the hint and exit code of a typed error and says how to resume", async () => {
    const chain = await ResumableSteps.open(join(dir, "s.json"), "k", silentLogger);
    const error = await chain
      .run("x", "x", async () => Promise.reject(usageError("BAD", "bad input", "pass --spec")))
      .catch((e) => e);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toContain("pass --spec");
    expect(error.hint).toContain("resume");
  });
});
