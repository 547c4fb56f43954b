import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelledObjects, sandboxGc, sandboxList } from "../../../sandbox-cli/src/engine/index.ts";
import { writeRecord } from "../../../sandbox-cli/src/engine/registry.ts";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { isolatedStateDir, uniqueName } from "./helpers.ts";

// gc with a `now` in the year 2000, so only this test's objects (expired in 1999) count as expired
// and no other sandbox on the machine is touched.
const recorded = uniqueName("it-gc-r");
const orphan = uniqueName("it-gc-o");
const alive = uniqueName("it-gc-a");
const now = new Date("2000-01-02T00:00:00Z");
let stateDir: string;

beforeAll(async () => {
  stateDir = await isolatedStateDir();
});

afterAll(async () => {
  for (const name of [recorded, orphan, alive]) {
    for (const volume of (await labelledObjects(name)).volumes)
      await docker().getVolume(volume).remove({ force: true });
  }
  await rm(stateDir, { recursive: true, force: true });
});

describe("sandbox gc", () => {
  it("downs expired sandboxes, recorded or only labelled, and keeps the others", async () => {
    const base = {
      owner: "it",
      target: "docker" as const,
      specPath: "/x.yaml",
      specSha256: "0",
      state: "up" as const,
      hostPorts: {},
      candidates: [],
    };
    await writeRecord({
      ...base,
      name: recorded,
      createdAt: "1999-12-31T00:00:00Z",
      expiresAt: "1999-12-31T08:00:00Z",
      updatedAt: "1999-12-31T00:00:00Z",
    });
    await writeRecord({
      ...base,
      name: alive,
      createdAt: "1999-12-31T00:00:00Z",
      expiresAt: "2000-01-09T00:00:00Z",
      updatedAt: "1999-12-31T00:00:00Z",
    });
    const labels = (name: string, expiresAt: string) => ({
      "sandbox.name": name,
      "sandbox.owner": "it",
      "sandbox.expires-at": expiresAt,
    });
    await docker().createVolume({
      Name: `sandbox-${recorded}-data`,
      Labels: labels(recorded, "1999-12-31T08:00:00Z"),
    });
    await docker().createVolume({
      Name: `sandbox-${orphan}-data`,
      Labels: labels(orphan, "1999-12-31T08:00:00Z"),
    });
    await docker().createVolume({
      Name: `sandbox-${alive}-data`,
      Labels: labels(alive, "2000-01-09T00:00:00Z"),
    });

    const result = await sandboxGc(silentLogger, now);
    expect(result.failed).toEqual([]);
    expect(result.removed.map((down) => down.name).sort()).toEqual([orphan, recorded].sort());
    expect((await labelledObjects(recorded)).volumes).toEqual([]);
    expect((await labelledObjects(orphan)).volumes).toEqual([]);
    expect((await labelledObjects(alive)).volumes).toEqual([`sandbox-${alive}-data`]);
    expect((await sandboxList(now)).map((sandbox) => sandbox.name)).toEqual([alive]);
  }, 120_000);
});
