import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockPath, withSandboxLock } from "../../../sandbox-cli/src/engine/lock.ts";
import {
  listRecords,
  readRecord,
  removeRecord,
  type SandboxRecord,
  writeRecord,
} from "../../../sandbox-cli/src/engine/registry.ts";
import { renderList } from "../../../sandbox-cli/src/engine/render.ts";
import { formatAge, notFoundError, sandboxNameFrom } from "../../../sandbox-cli/src/engine/select.ts";
import { summarize } from "../../../sandbox-cli/src/engine/status.ts";

let dir: string;
const previous = process.env.SANDBOX_STATE_DIR;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sandbox-engine-"));
  process.env.SANDBOX_STATE_DIR = dir;
});
afterAll(async () => {
  if (previous === undefined) delete process.env.SANDBOX_STATE_DIR;
  else process.env.SANDBOX_STATE_DIR = previous;
  await rm(dir, { recursive: true, force: true });
});

describe("withSandboxLock", () => {
  it("refuses a second holder while the first runs, then frees the lock", async () => {
    await withSandboxLock("demo", "up", async () => {
      await expect(withSandboxLock("demo", "up", async () => "second")).rejects.toMatchObject({
        code: "SANDBOX_BUSY",
        message: expect.stringContaining(`\`sandbox up\` (pid ${process.pid}`),
      });
    });
    await expect(withSandboxLock("demo", "down", async () => "free again")).resolves.toBe("free again");
  });

  it("takes over a lock whose holder process no longer exists", async () => {
    const { mkdir } = await import("node:fs/promises");
    await mkdir(lockPath("stale"), { recursive: true });
    const { hostname } = await import("node:os");
    await writeFile(
      join(lockPath("stale"), "owner.json"),
      JSON.stringify({
        pid: 2 ** 22 + 12_345,
        host: hostname(),
        command: "up",
        startedAt: "2026-01-01T00:00:00Z",
      }),
    );
    await expect(withSandboxLock("stale", "up", async () => "taken over")).resolves.toBe("taken over");
  });
});

const record = (name: string, createdAt: string, expiresAt: string): SandboxRecord => ({
  name,
  owner: "trainer",
  target: "docker",
  specPath: "/x/sandbox.yaml",
  specSha256: "0",
  createdAt,
  expiresAt,
  updatedAt: createdAt,
  state: "up",
  hostPorts: {},
  candidates: [],
});

describe("sandbox records", () => {
  it("round-trips, lists sorted by name and removes", async () => {
    await writeRecord(record("zeta", "2026-01-01T00:00:00Z", "2026-01-01T08:00:00Z"));
    await writeRecord(record("alpha", "2026-01-01T00:00:00Z", "2026-01-01T08:00:00Z"));
    expect((await listRecords()).map((r) => r.name)).toEqual(["alpha", "zeta"]);
    expect((await readRecord("alpha"))?.owner).toBe("trainer");
    await removeRecord("zeta");
    await removeRecord("alpha");
    expect(await listRecords()).toEqual([]);
  });

  it("summarizes age and expiry", () => {
    const summary = summarize(
      record("a", "2026-01-01T00:00:00Z", "2026-01-01T08:00:00Z"),
      new Date("2026-01-01T09:00:00Z"),
    );
    expect(summary).toMatchObject({ ageS: 9 * 3600, expired: true, candidates: 0 });
    expect(renderList([summary])).toMatch(/^NAME\s+OWNER\s+TARGET\s+STATE\s+AGE\s+EXPIRES/);
    expect(renderList([])).toContain("no sandboxes");
  });

  it("formats ages", () => {
    expect(formatAge(42)).toBe("42s");
    expect(formatAge(125)).toBe("2m");
    expect(formatAge(2 * 3600 + 300)).toBe("2h 5m");
    expect(formatAge(3 * 86_400 + 4 * 3600)).toBe("3d 4h");
  });
});

describe("sandboxNameFrom", () => {
  it("rejects --spec with --name, and a bad --name, naming the fix", async () => {
    await expect(sandboxNameFrom({ spec: "a.yaml", name: "demo" })).rejects.toMatchObject({
      code: "SANDBOX_NAME_AND_SPEC",
      exitCode: 2,
    });
    await expect(sandboxNameFrom({ name: "Bad Name" })).rejects.toMatchObject({
      code: "SANDBOX_BAD_NAME",
      hint: expect.stringContaining("sandbox list"),
    });
    await expect(sandboxNameFrom({ name: "demo" })).resolves.toBe("demo");
  });

  it("says how to find the sandboxes that exist when one is not found", () => {
    expect(notFoundError("ghost")).toMatchObject({
      code: "SANDBOX_NOT_FOUND",
      exitCode: 2,
      message: "no sandbox named ghost exists on this machine",
      hint: expect.stringContaining("`sandbox list`"),
    });
  });

  it("reads the name from the spec", async () => {
    const spec = join(dir, "sandbox.yaml");
    await writeFile(spec, "name: from-spec\nowner: t\ncandidates:\n  - catalog: media-nginx\n");
    await expect(sandboxNameFrom({ spec })).resolves.toBe("from-spec");
    await expect(sandboxNameFrom({ spec: join(dir, "missing.yaml") })).rejects.toMatchObject({
      code: "SPEC_UNREADABLE",
    });
  });
});
