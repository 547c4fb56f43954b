import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelledObjects, sandboxDown, sandboxUp } from "../../sandbox-cli/src/engine/index.ts";
import { readRecord, writeRecord } from "../../sandbox-cli/src/engine/registry.ts";
import { buildReport, writeReport } from "../../sandbox-cli/src/report/index.ts";
import { reportSchema } from "../../sandbox-cli/src/report/schema.ts";
import { loadSpecFile } from "../../sandbox-cli/src/sandbox-spec/index.ts";
import { asDiskFull, freeBytes, writeFileAtomic } from "../../sandbox-cli/src/util/disk-space.ts";
import { runProgram } from "../../sandbox-cli/src/util/exec.ts";
import { silentLogger } from "../../sandbox-cli/src/util/log.ts";
import { runCli } from "../helpers/cli.ts";
import { uniqueName, writeSpec } from "../integration/docker-target/helpers.ts";
import { fixtureInput } from "../unit/report/fixture.ts";

// The state folder on a real 1 MB tmpfs this test mounts (and unmounts), filled to the last few KB.
// Every command that writes there fails with DISK_FULL naming the folder and the room it needs, and no
// half-written record, result or report is left for a later command to read as valid.
let mountPoint: string;
let mounted = false;
let specDir: string;
const name = uniqueName("i21-disk");

async function fillUpTo(leaveBytes: number): Promise<void> {
  const free = await freeBytes(mountPoint);
  await rm(join(mountPoint, "filler"), { force: true });
  const total = await freeBytes(mountPoint);
  if (total - leaveBytes > 0) await writeFile(join(mountPoint, "filler"), Buffer.alloc(total - leaveBytes));
  expect(await freeBytes(mountPoint)).toBeLessThanOrEqual(Math.max(leaveBytes, free));
}

beforeAll(async () => {
  mountPoint = await mkdtemp(join(tmpdir(), "sandbox-full-"));
  specDir = await mkdtemp(join(tmpdir(), "sandbox-full-spec-"));
  const mount = await runProgram("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]).then(
    () => true,
    (error: Error) => {
      console.warn(`disk-full cases skipped: cannot mount a tmpfs here (${error.message})`);
      return false;
    },
  );
  mounted = mount;
  process.env.SANDBOX_STATE_DIR = mountPoint;
});

afterAll(async () => {
  if (mounted) await sandboxDown(name, silentLogger).catch(() => undefined);
  if (mounted) await runProgram("umount", [mountPoint]).catch(() => undefined);
  await rm(mountPoint, { recursive: true, force: true });
  await rm(specDir, { recursive: true, force: true });
}, 120_000);

describe("a full disk under the state folder", () => {
  it("up and loadtest refuse before writing anything, naming the folder and the room they need", async (ctx) => {
    if (!mounted) ctx.skip();
    await fillUpTo(16 * 1024);
    const spec = await writeSpec(specDir, name, ["media-nginx"]);
    for (const command of [["up"], ["loadtest", "--learners", "2"]]) {
      const run = await runCli([...command, "--spec", spec], { env: { SANDBOX_STATE_DIR: mountPoint } });
      expect(run.exitCode, run.stderr).toBe(4);
      expect(run.stderr).toContain(`error [DISK_FULL]: no space left in ${mountPoint}`);
      expect(run.stderr).toMatch(/it needs at least 20 MB/);
      expect(run.stderr).toContain(`fix: free at least`);
      expect(run.stderr).not.toContain("INTERNAL");
    }
    expect(await labelledObjects(name)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 120_000);

  it("an up that runs out of room inside Pulumi ends as DISK_FULL and leaves the lock free", async (ctx) => {
    if (!mounted) ctx.skip();
    await fillUpTo(16 * 1024);
    const spec = await writeSpec(specDir, name, ["media-nginx"]);
    const error = await sandboxUp(await loadSpecFile(spec), silentLogger).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    const shown = asDiskFull(error, mountPoint);
    expect(shown?.code, String(error)).toBe("DISK_FULL");
    expect(shown?.message).toContain(mountPoint);
    expect(await readdir(join(mountPoint, "locks")).catch(() => [])).toEqual([]);
    // the record written before Pulumi ran is whole (it says the sandbox is being created), never half a file
    expect(["creating", "failed", undefined]).toContain((await readRecord(name))?.state);
  }, 180_000);

  it("a record, result or report that does not fit leaves the previous file whole and no temporary", async (ctx) => {
    if (!mounted) ctx.skip();
    await rm(join(mountPoint, "filler"), { force: true });
    const record = {
      name,
      owner: "faults",
      target: "docker",
      state: "up",
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      candidates: [],
    };
    await writeRecord(record as unknown as Parameters<typeof writeRecord>[0]).catch(() => undefined);
    const before = await readFile(join(mountPoint, "sandboxes", `${name}.json`), "utf8").catch(() => null);
    const reportDir = join(mountPoint, "report");
    const report = buildReport(await fixtureInput());
    await writeReport(report, reportDir);
    const reportBefore = await readFile(join(reportDir, "report.json"), "utf8");
    await fillUpTo(8 * 1024);

    const big = "x".repeat(64 * 1024);
    await expect(writeFileAtomic(join(mountPoint, "runs-result.json"), big)).rejects.toMatchObject({
      code: "DISK_FULL",
      exitCode: 4,
      message: expect.stringContaining(`no space left in ${mountPoint}`),
    });
    const bigger = { ...record, candidates: Array.from({ length: 400 }, (_, i) => ({ name: `c${i}`, big })) };
    await expect(writeRecord(bigger as unknown as Parameters<typeof writeRecord>[0])).rejects.toMatchObject({
      code: "DISK_FULL",
    });
    const html = { ...report, verdict: { ...report.verdict, headline: big.repeat(4) } };
    await expect(writeReport(html, reportDir)).rejects.toMatchObject({ code: "DISK_FULL" });

    // what a later command reads is the previous whole file, never a truncated one
    expect(await readFile(join(mountPoint, "sandboxes", `${name}.json`), "utf8").catch(() => null)).toBe(
      before,
    );
    const reportAfter = await readFile(join(reportDir, "report.json"), "utf8");
    expect(reportAfter).toBe(reportBefore);
    expect(() => reportSchema.parse(JSON.parse(reportAfter))).not.toThrow();
    expect(await readFile(join(mountPoint, "runs-result.json")).catch(() => null)).toBeNull();
    const leftovers = [
      ...(await readdir(mountPoint)),
      ...(await readdir(join(mountPoint, "sandboxes")).catch(() => [])),
      ...(await readdir(reportDir)),
    ].filter((f) => f.endsWith(".tmp"));
    expect(leftovers).toEqual([]);
  }, 120_000);
});
