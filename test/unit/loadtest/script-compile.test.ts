import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { arrivalTimes, segmentShare, sharedIterationsOf } from "../../../loadtests/lib/arrival.ts";
import { compileScript } from "../../../loadtests/script/compile.ts";
import { planOfOptions } from "../../../loadtests/script/options.ts";
import { prepareScript } from "../../../loadtests/script/prepare.ts";
import { transformScript } from "../../../loadtests/script/transform.ts";

const dir = mkdtempSync(join(tmpdir(), "script-compile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const refusal = async (text: string) =>
  compileScript(file(`s${Math.random().toString(36).slice(2)}.js`, text)).then(
    () => "accepted",
    (error: Error & { code?: string; hint?: string }) => `${error.code}: ${error.message} | ${error.hint}`,
  );

describe("compiling a k6-style script", () => {
  it("refuses unsupported modules before anything runs, naming them and what to use", async () => {
    for (const module of ["k6/browser", "k6/net/grpc", "k6/ws"]) {
      const text = await refusal(`import x from "${module}";\nexport default function () {}\n`);
      expect(text).toContain(`SCRIPT_UNSUPPORTED_IMPORT: the script imports "${module}"`);
    }
    expect(await refusal('import { randomSeed } from "k6";\nexport default function () {}\n')).toMatch(
      /imports randomSeed from "k6".*provides: check, group, sleep, fail/,
    );
    expect(
      await refusal('import x from "https://jslib.k6.io/x.js";\nexport default function () {}\n'),
    ).toMatch(/remote modules are never fetched/);
  });

  it("refuses requests in the init context and in callbacks it cannot wait for", async () => {
    expect(await refusal('import http from "k6/http";\nhttp.get("http://127.0.0.1:1/");\n')).toMatch(
      /SCRIPT_INIT_CONTEXT/,
    );
    expect(
      await refusal(
        'import { sleep } from "k6";\nexport default function () { [1, 2].map((s) => sleep(s)); }\n',
      ),
    ).toMatch(/inside a callback passed to map\(\).*for\.\.\.of loop/);
  });

  it("makes every function that can reach a blocking call async, through helpers and groups", () => {
    const { body } = transformScript(
      [
        'import http from "k6/http";',
        'import { group, check } from "k6";',
        "function fetchIt(u) { return http.get(u).status; }",
        "const pure = (x) => x + 1;",
        "function outer() { return fetchIt('u'); }",
        "export default function () { group('g', () => { outer(); check(1, { a: (v) => pure(v) > 1 }); }); }",
      ].join("\n"),
    );
    expect(body).toContain("async function fetchIt(u) { return (await http.get(u)).status; }");
    expect(body).toContain("async function outer() { return (await fetchIt('u')); }");
    expect(body).toContain("(await group('g', async () => { (await outer());");
    expect(body).toContain("const pure = (x) => x + 1;");
    expect(body).toContain("check(1, { a: (v) => pure(v) > 1 })");
  });

  it("reads options, and refuses unsupported options and executors naming them", async () => {
    const path = file(
      "o.ts",
      'export const options = { vus: 2, duration: "3s" };\nexport default function () {}\n',
    );
    const prepared = await prepareScript(path, {});
    expect(prepared.plan.scenarios[0]?.executor).toEqual({
      type: "ramping-vus",
      stages: [
        { durationS: 0, target: 2 },
        { durationS: 3, target: 2 },
      ],
      gracefulRampDownS: 0,
    });
    const fns = new Set(["default"]);
    expect(() => planOfOptions({ hosts: { a: "b" } }, fns)).toThrow(/options.hosts is not supported/);
    expect(() => planOfOptions({ scenarios: { x: { executor: "externally-controlled" } } }, fns)).toThrow(
      /executor "externally-controlled" is not supported/,
    );
    expect(() =>
      planOfOptions({ thresholds: { checks: [{ threshold: "rate>0.9", abortWhen: "now" }] } }, fns),
    ).toThrow(/thresholds\["checks"\].abortWhen is not supported/);
    expect(() =>
      planOfOptions({ thresholds: { checks: [{ threshold: "rate>0.9", delayAbortEval: "soon" }] } }, fns),
    ).toThrow(/delayAbortEval "soon" is not a duration/);
    expect(() =>
      planOfOptions({ scenarios: { x: { executor: "constant-vus", duration: "1s", exec: "nope" } } }, fns),
    ).toThrow(/exports no function "nope"/);
  });

  it("reads abortOnFail and delayAbortEval as k6 does (plain strings never abort)", () => {
    const plan = planOfOptions(
      {
        thresholds: {
          http_req_failed: [
            "rate<0.1",
            { threshold: "rate<0.5", abortOnFail: true, delayAbortEval: "1m30s" },
          ],
          checks: [{ threshold: "rate>0.9", abortOnFail: true }],
        },
      },
      new Set(["default"]),
    );
    expect(plan.thresholds).toEqual([
      { metric: "http_req_failed", expression: "rate<0.1", abortOnFail: false, delayAbortEvalS: 0 },
      { metric: "http_req_failed", expression: "rate<0.5", abortOnFail: true, delayAbortEvalS: 90 },
      { metric: "checks", expression: "rate>0.9", abortOnFail: true, delayAbortEvalS: 0 },
    ]);
  });
});

describe("iteration executors split across runners", () => {
  it("arrival times follow the rate's integral (a constant rate and a linear ramp)", () => {
    expect(arrivalTimes({ startRate: 10, timeUnitS: 1, stages: [{ durationS: 2, target: 10 }] }).length).toBe(
      20,
    );
    const ramp = arrivalTimes({ startRate: 0, timeUnitS: 1, stages: [{ durationS: 2, target: 10 }] });
    expect(ramp.length).toBe(10);
    expect(ramp[0]).toBe(0);
    // the k-th start of a 0 -> 10/s ramp over 2 s is at sqrt(2k/5) s
    expect(ramp[5]).toBeCloseTo(Math.sqrt(2), 9);
  });

  it("N runners together start exactly every iteration, each once", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 200 }),
        (n, vus, iterations) => {
          const segments = Array.from({ length: n }, (_, i) => ({ index: i + 1, count: n }));
          const shared = segments.map((s) => sharedIterationsOf(s, vus, iterations));
          expect(shared.reduce((a, b) => a + b, 0)).toBe(iterations);
          const owned = segments.flatMap((s) => segmentShare(s, iterations)).sort((a, b) => a - b);
          expect(owned).toEqual(Array.from({ length: iterations }, (_, k) => k));
        },
      ),
    );
  });
});

describe("the built-in scenarios as scripts", () => {
  it("compile and plan without a refusal (loadtests/scenarios/*.ts)", async () => {
    const root = join(import.meta.dirname, "..", "..", "..", "loadtests", "scenarios");
    const journey = await prepareScript(join(root, "learner-journey.ts"), { LEARNERS: "4", DURATION: "30s" });
    expect(journey.plan.scenarios.map((s) => s.k6Executor)).toEqual(["ramping-vus"]);
    expect(journey.plan.thresholds.map((t) => t.metric)).toContain("http_req_duration{name:lms_commit}");
    const viewer = await prepareScript(join(root, "hls-viewer.ts"), { VIEWERS: "2" });
    expect(viewer.runner.body).toContain("async function");
    const smoke = await prepareScript(join(root, "smoke.ts"), {});
    expect(smoke.plan.scenarios.map((s) => s.name)).toEqual(["browse", "burst"]);
  });
});
