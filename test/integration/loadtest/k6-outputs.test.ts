import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.ts";
import { scriptArgs, useK6TestServer } from "./k6-test-server.ts";

const fixture = useK6TestServer("k6-outputs-");

const SCRIPT = `
import http from "k6/http";
import { check } from "k6";
export const options = { vus: 2, iterations: 6, thresholds: { http_reqs: ["count==6"], "checks": ["rate>0.5"] } };
export default function () {
  const res = http.get(__ENV.BASE_URL + "/json", { tags: { name: "items" } });
  check(res, { "is 418": (r) => r.status === 418 });
}
export function handleSummary(data) {
  return {
    stdout: "custom summary: " + data.metrics.http_reqs.values.count + " requests\\n",
    [__ENV.OUT_DIR + "/summary-by-script.json"]: JSON.stringify(data.metrics.checks),
  };
}
`;

describe("a script's outputs", () => {
  it("handleSummary, --summary-export, --out json= and csv=, and exit 1 on a failed threshold", async () => {
    const dir = fixture.dir;
    const script = join(dir, "outputs.js");
    writeFileSync(script, SCRIPT);
    const result = await runCli(
      scriptArgs(fixture.server, script, [
        "--env",
        `OUT_DIR=${dir}`,
        "--runners",
        "2",
        "--out",
        `json=${join(dir, "samples.json")}`,
        "--out",
        `csv=${join(dir, "samples.csv")}`,
        "--summary-export",
        join(dir, "export.json"),
      ]),
      { env: { SANDBOX_STATE_DIR: join(dir, "state") }, timeoutMs: 90_000 },
    );
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toBe("custom summary: 6 requests");
    const checks = JSON.parse(readFileSync(join(dir, "summary-by-script.json"), "utf8"));
    expect(checks.values).toEqual({ rate: 0, passes: 0, fails: 6 });
    expect(checks.thresholds).toEqual({ "rate>0.5": { ok: false } });
    const exported = JSON.parse(readFileSync(join(dir, "export.json"), "utf8"));
    expect(exported.metrics.http_reqs.thresholds).toEqual({ "count==6": { ok: true } });
    expect(exported.root_group.checks).toEqual([{ name: "is 418", path: "::is 418", passes: 0, fails: 6 }]);
    const lines = readFileSync(join(dir, "samples.json"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const points = lines.filter((l) => l.type === "Point" && l.metric === "http_reqs");
    expect(points).toHaveLength(6);
    expect(points[0].data.tags).toMatchObject({
      name: "items",
      method: "GET",
      status: "200",
      scenario: "default",
    });
    expect(lines.find((l) => l.type === "Metric" && l.metric === "http_reqs").data.thresholds).toEqual([
      "count==6",
    ]);
    const csv = readFileSync(join(dir, "samples.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toMatch(/^metric_name,timestamp,metric_value,check,error,/);
    expect(csv.filter((l) => l.startsWith("http_reqs,"))).toHaveLength(6);
  }, 120_000);
});
