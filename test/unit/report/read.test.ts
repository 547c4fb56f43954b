import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ENGINE } from "../../../loadtests/lib/engine.ts";
import { isSandboxError, type SandboxError } from "../../../sandbox-cli/src/errors.ts";
import {
  buildReport,
  canonicalJson,
  readReportFile,
  readRunDir,
  sha256Hex,
  writeReport,
} from "../../../sandbox-cli/src/report/index.ts";
import { POLICY_NAMES } from "../../../stacks/policy/config.ts";
import { FIXTURE_TIME, fixtureInput, fixtureRunDir } from "./fixture.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sandbox-report-read-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(work: Promise<unknown>): Promise<SandboxError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSandboxError(error)) throw new Error(`expected a SandboxError, got ${String(error)}`);
  return error;
}

async function reportFile(content: unknown): Promise<string> {
  const path = join(dir, "report.json");
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("readReportFile", () => {
  it("round-trips what writeReport wrote, with the printed sha256 of its bytes", async () => {
    const report = buildReport(await fixtureInput());
    const written = await writeReport(report, dir);
    const bytes = await readFile(written.json, "utf8");
    expect(bytes).toBe(canonicalJson(report));
    expect(written.sha256).toBe(sha256Hex(bytes));
    expect(await readReportFile(written.json)).toEqual(report);
    for (const path of [written.html, written.md, written.junit])
      expect((await readFile(path, "utf8")).length).toBeGreaterThan(1000);
  });

  it("names an --out folder that cannot be created, and writes nothing", async () => {
    const file = join(dir, "a-file");
    await writeFile(file, "x");
    const error = await failure(writeReport(buildReport(await fixtureInput()), join(file, "report")));
    expect(error).toMatchObject({ code: "REPORT_OUT_UNWRITABLE", exitCode: 2 });
    expect(error.message).toContain(`cannot create the report folder ${join(file, "report")}`);
  });

  it("names a missing file", async () => {
    const error = await failure(readReportFile(join(dir, "nope.json")));
    expect(error).toMatchObject({ code: "REPORT_UNREADABLE", exitCode: 2 });
    expect(error.message).toContain("nope.json");
    expect(error.hint).toContain("sandbox report --from RUN_DIR");
  });

  it("says a non-JSON file is not JSON", async () => {
    const error = await failure(readReportFile(await reportFile("<html>not json</html>")));
    expect(error).toMatchObject({ code: "REPORT_NOT_JSON", exitCode: 2 });
    expect(error.message).toMatch(/report\.json is not JSON: /);
  });

  it("says JSON without schemaVersion, or of another kind, is not a report", async () => {
    const plain = await failure(readReportFile(await reportFile({ hello: "world" })));
    expect(plain).toMatchObject({ code: "REPORT_NOT_A_REPORT", exitCode: 2 });
    expect(plain.message).toContain('is not a promotion report: it has no "schemaVersion" field');

    const loadResult = await failure(
      readReportFile(await reportFile({ schemaVersion: 1, kind: "load-result" })),
    );
    expect(loadResult.code).toBe("REPORT_NOT_A_REPORT");
    expect(loadResult.message).toContain(
      'its kind is "load-result", expected "elearning-sandbox/promotion-report"',
    );

    const array = await failure(readReportFile(await reportFile([1, 2])));
    expect(array.code).toBe("REPORT_NOT_A_REPORT");
  });

  it("names an unknown schemaVersion and how to get a readable report", async () => {
    const report = JSON.parse(canonicalJson(buildReport(await fixtureInput())));
    const error = await failure(readReportFile(await reportFile({ ...report, schemaVersion: 7 })));
    expect(error).toMatchObject({ code: "REPORT_UNKNOWN_VERSION", exitCode: 2 });
    expect(error.message).toContain("has schemaVersion 7; this version of sandbox reads schemaVersion 1");
    expect(error.hint).toContain("rebuild the report with this version (`sandbox report --from RUN_DIR`)");
  });

  it("lists the fields a damaged report gets wrong", async () => {
    const report = JSON.parse(canonicalJson(buildReport(await fixtureInput())));
    report.verdict.decision = "MAYBE";
    delete report.sites;
    const error = await failure(readReportFile(await reportFile(report)));
    expect(error).toMatchObject({ code: "REPORT_INVALID", exitCode: 2 });
    expect(error.message).toContain("  - verdict.decision: ");
    expect(error.message).toContain("  - sites: ");
  });
});

describe("readRunDir", () => {
  const copyFixture = async () => {
    const run = join(dir, "run");
    await cp(fixtureRunDir, run, { recursive: true });
    return run;
  };

  it("reads every part and hashes the spec", async () => {
    const input = await readRunDir(fixtureRunDir, FIXTURE_TIME);
    const spec = await readFile(join(fixtureRunDir, "sandbox.yaml"), "utf8");
    expect(input.provenance.specSha256).toBe(sha256Hex(spec));
    expect(input.sites.map((s) => s.name)).toEqual(["hq", "lyon", "branch-north", "home"]);
    expect(input.policy).toHaveLength(8);
    expect(input.load?.timeline.length).toBeGreaterThan(10);
  });

  it("treats optional parts as absent, and the report then says so", async () => {
    const run = await copyFixture();
    for (const name of ["load-result.json", "capacity.json", "policy.json", "course-profile.json"])
      await rm(join(run, name));
    const input = await readRunDir(run, FIXTURE_TIME);
    expect([input.load, input.capacity, input.course, input.policy]).toEqual([null, null, null, []]);
    expect(buildReport(input).verdict.reasons.map((r) => r.rule)).toContain("not-load-tested");
  });

  it("reads the load engine's own result.json when load-result.json is absent", async () => {
    const run = await copyFixture();
    await cp(join(run, "load-result.json"), join(run, "result.json"));
    await rm(join(run, "load-result.json"));
    const input = await readRunDir(run, FIXTURE_TIME);
    expect(input.load?.runId).toBe("run-2026-11-29T17-40-00Z");
  });

  it("names a folder that is not a run folder and what one holds", async () => {
    const error = await failure(readRunDir(dir, FIXTURE_TIME));
    expect(error).toMatchObject({ code: "RUN_DIR_INCOMPLETE", exitCode: 2 });
    expect(error.message).toContain("sandbox.yaml is missing");
    expect(error.hint).toContain("sandbox.yaml and provenance.json are required");

    const run = await copyFixture();
    await rm(join(run, "provenance.json"));
    expect((await failure(readRunDir(run, FIXTURE_TIME))).message).toContain("provenance.json is missing");
  });

  it("names the field of a part that breaks its contract", async () => {
    const run = await copyFixture();
    const load = JSON.parse(await readFile(join(run, "load-result.json"), "utf8"));
    load.integrity.commitsSent = "many";
    await writeFile(join(run, "load-result.json"), JSON.stringify(load));
    const error = await failure(readRunDir(run, FIXTURE_TIME));
    expect(error).toMatchObject({ code: "RUN_FILE_INVALID", exitCode: 2 });
    expect(error.message).toContain(
      "load-result.json does not match its contract:\n  - integrity.commitsSent: ",
    );

    await writeFile(join(run, "policy.json"), "[{,}]");
    await writeFile(join(run, "load-result.json"), JSON.stringify({ ...load, integrity: null }));
    expect((await failure(readRunDir(run, FIXTURE_TIME))).code).toBe("RUN_FILE_NOT_JSON");
  });
});

describe("the fixture run folder", () => {
  it("holds only names the product writes: policy rules, scenarios, load engine, container names", async () => {
    const input = await fixtureInput();
    expect(input.policy.map((p) => p.rule)).toEqual([...POLICY_NAMES]);
    expect(input.load?.plan.scenarios).toEqual(["learner-journey", "hls-viewer"]);
    expect(input.load?.engine).toEqual(ENGINE);
    expect(input.provenance.tools.loadEngine).toEqual(ENGINE);
    for (const r of input.load?.resources ?? [])
      expect(r.container.startsWith(`sandbox-${input.spec.name}-`), r.container).toBe(true);
  });
});
