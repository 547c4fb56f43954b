import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { sha256Hex } from "../../../sandbox-cli/src/report/canonical.ts";
import { runCli } from "../../helpers/cli.ts";

const fixtureRun = join(projectRoot, "test", "fixtures", "report", "run-conditions");
const env = { SOURCE_DATE_EPOCH: "1795971600" };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sandbox-report-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("sandbox report", () => {
  it("builds the four files from a run folder, prints report.json's sha256 and exits 5 for conditions", async () => {
    const out = join(dir, "a");
    const result = await runCli(["report", "--from", fixtureRun, "--out", out, "--json"], { env });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(5);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({ verdict: "PROMOTE WITH CONDITIONS", exitCode: 5 });
    expect(printed.files).toMatchObject({ json: join(out, "report.json"), html: join(out, "report.html") });
    const bytes = await readFile(join(out, "report.json"), "utf8");
    expect(printed.sha256).toBe(sha256Hex(bytes));
    expect(JSON.parse(bytes).generatedAt).toBe("2026-11-29T17:00:00.000Z");

    const again = await runCli(["report", "--from", fixtureRun, "--out", join(dir, "b")], { env });
    expect(again.exitCode).toBe(5);
    expect(again.stdout).toContain(`report.json sha256 ${printed.sha256}`);
    expect(again.stdout.split("\n")[0]).toMatch(
      /^PROMOTE WITH CONDITIONS: May go onto the production network/,
    );
    expect(await readFile(join(dir, "b", "report.html"), "utf8")).toBe(
      await readFile(join(out, "report.html"), "utf8"),
    );
  });

  it("re-renders a report.json to the same bytes", async () => {
    const result = await runCli(["report", "--from", join(dir, "a", "report.json"), "--out", join(dir, "c")]);
    expect(result.exitCode).toBe(5);
    expect(await readFile(join(dir, "c", "report.json"), "utf8")).toBe(
      await readFile(join(dir, "a", "report.json"), "utf8"),
    );
    expect(await readFile(join(dir, "c", "report.md"), "utf8")).toBe(
      await readFile(join(dir, "a", "report.md"), "utf8"),
    );
  });

  it("exits 1 on REJECT, and `report diff` says what changed", async () => {
    const run = join(dir, "run-reject");
    await cp(fixtureRun, run, { recursive: true });
    const policy = JSON.parse(await readFile(join(run, "policy.json"), "utf8"));
    const privileged = policy.find((p: { rule: string }) => p.rule === "no-privileged-containers");
    privileged.ok = false;
    privileged.message =
      'Deployment "reference-lms": container "main" is privileged; remove securityContext.privileged';
    await writeFile(join(run, "policy.json"), JSON.stringify(policy));
    const result = await runCli(["report", "--from", run], { env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^REJECT: Not ready for the production network: 1 blocking reason/);
    expect(result.stdout).toContain(join(run, "report", "junit.xml"));

    const diff = await runCli([
      "report",
      "diff",
      join(dir, "a", "report.json"),
      join(run, "report", "report.json"),
    ]);
    expect(diff.exitCode).toBe(0);
    expect(diff.stdout).toContain("verdict: PROMOTE WITH CONDITIONS -> REJECT\n");
    expect(diff.stdout).toContain("policy no-privileged-containers: pass -> fail\n");

    const json = await runCli([
      "report",
      "diff",
      join(dir, "a", "report.json"),
      join(run, "report", "report.json"),
      "--json",
    ]);
    expect(JSON.parse(json.stdout).verdict).toEqual({
      old: "PROMOTE WITH CONDITIONS",
      new: "REJECT",
      changed: true,
    });
  });

  it("refuses input that is not a report with exit 2, the problem and the fix", async () => {
    const notReport = join(dir, "package.json");
    await writeFile(notReport, JSON.stringify({ name: "x" }));
    const result = await runCli(["report", "--from", notReport]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error [REPORT_NOT_A_REPORT]: ${notReport} is not a promotion report`);
    expect(result.stderr).toContain("fix: pass a report.json written by `sandbox report`");

    const future = join(dir, "future.json");
    const report = JSON.parse(await readFile(join(dir, "a", "report.json"), "utf8"));
    await writeFile(future, JSON.stringify({ ...report, schemaVersion: 2 }));
    const diff = await runCli(["report", "diff", future, join(dir, "a", "report.json")]);
    expect(diff.exitCode).toBe(2);
    expect(diff.stderr).toContain("error [REPORT_UNKNOWN_VERSION]");
    expect(diff.stdout).toBe("");

    const missing = await runCli(["report", "--from", join(dir, "no-such-run")]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("error [REPORT_FROM_MISSING]");

    const badEpoch = await runCli(["report", "--from", fixtureRun, "--out", join(dir, "d")], {
      env: { SOURCE_DATE_EPOCH: "yesterday" },
    });
    expect(badEpoch.exitCode).toBe(2);
    expect(badEpoch.stderr).toContain("error [SOURCE_DATE_EPOCH_INVALID]");
  });

  it("asks for --from, and shows examples in --help", async () => {
    const bare = await runCli(["report"]);
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr).toContain("error [REPORT_FROM_REQUIRED]: sandbox report needs --from");
    const help = await runCli(["report", "--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain("diff");
  });
}, 120_000);
