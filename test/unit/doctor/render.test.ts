import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { type CheckResult, compareVersions } from "../../../sandbox-cli/src/doctor/checks.ts";
import { doctorPassed, renderDoctor } from "../../../sandbox-cli/src/doctor/render.ts";

const check = (over: Partial<CheckResult>): CheckResult => ({
  name: "pulumi",
  required: true,
  status: "ok",
  found: "v3.248.0",
  detail: "",
  fix: "npm run setup",
  ...over,
});

describe("doctor", () => {
  it("compares dotted versions numerically", () => {
    expect(compareVersions("20.20.2", "20.19.0")).toBe(1);
    expect(compareVersions("v20.9.0", "20.19.0")).toBe(-1);
    expect(compareVersions("3.248.0", "3.248")).toBe(0);
  });

  it("fails only on required checks that are not ok", () => {
    expect(doctorPassed([check({}), check({ name: "chromium", required: false, status: "missing" })])).toBe(
      true,
    );
    expect(doctorPassed([check({ status: "outdated" })])).toBe(false);
  });

  it("prints the fix under each failing line and none under passing ones", () => {
    const text = stripVTControlCharacters(
      renderDoctor([
        check({}),
        check({ name: "ffmpeg", status: "missing", found: null, fix: "apt-get install -y ffmpeg" }),
      ]),
    );
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/OK\s+pulumi\s+v3\.248\.0/);
    expect(lines[1]).toMatch(/MISSING\s+ffmpeg\s+-/);
    expect(lines[2]).toContain("fix: apt-get install -y ffmpeg");
    expect(lines.at(-1)).toBe("some required prerequisites are missing");
  });
});
