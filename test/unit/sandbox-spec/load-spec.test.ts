import { describe, expect, it } from "vitest";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/load-spec.ts";

const MINIMAL = "name: demo\nowner: anna\ncandidates:\n  - catalog: reference-lms\n";

/** The SandboxError parseSpecText throws for `text`, as "CODE|exit|message". */
function failure(text: string): { code: string; exitCode: number; message: string; hint: string } {
  try {
    parseSpecText(text, "sandbox.yaml");
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message, hint: error.hint };
  }
  throw new Error("expected the spec to be refused");
}

describe("parseSpecText: a valid spec", () => {
  it("applies the defaults and converts durations to seconds", () => {
    const { spec, sites } = parseSpecText(
      `${MINIMAL}ttl: 2h\nload:\n  rampUp: 1m\n  thinkTime: { min: 2s, max: 10s }\n`,
    );
    expect(spec.ttl).toBe(7200);
    expect(spec.target).toEqual({ kind: "docker" });
    expect(spec.load).toMatchObject({
      peakLearners: 20,
      rampUp: 60,
      duration: 120,
      runners: 1,
      thinkTime: { min: 2, max: 10 },
    });
    expect(spec.policy.thresholds.httpP95Ms).toBe(800);
    expect(sites).toEqual([]);
  });

  it("fills the kubernetes target's defaults", () => {
    const { spec } = parseSpecText(`${MINIMAL}target: { kind: kubernetes, context: it }\n`);
    expect(spec.target).toEqual({
      kind: "kubernetes",
      context: "it",
      ingressDomain: "sandbox.local",
      ingressControllerNamespace: "ingress-nginx",
      monitoringNamespace: "monitoring",
      itViewerGroup: "it-sandbox-viewers",
      registry: "registry.sandbox.internal/elearning-sandbox",
    });
  });
});

describe("parseSpecText: every bad-spec message names the path, the line and what is allowed", () => {
  it("unknown top-level key, with the allowed keys listed", () => {
    const f = failure(`${MINIMAL}candidtes: []\n`);
    expect(f).toMatchObject({ code: "SPEC_INVALID", exitCode: 2 });
    expect(f.message).toBe(
      'sandbox.yaml has 1 problem(s):\n  - (top level): unknown key "candidtes"; allowed keys: $schema, apiVersion, name, owner, ttl, target, candidates, courses, sites, load, policy (line 1)',
    );
  });

  it("unknown nested key, with that object's allowed keys", () => {
    const f = failure(`${MINIMAL}load:\n  peak: 10\n`);
    expect(f.message).toContain(
      'load: unknown key "peak"; allowed keys: peakLearners, rampUp, duration, thinkTime, commitInterval, videoShare, runners, maxLearners, maxDuration (line 6)',
    );
  });

  it("unknown key in the kubernetes target lists the kubernetes keys", () => {
    const f = failure(`${MINIMAL}target:\n  kind: kubernetes\n  cluster: prod\n`);
    expect(f.message).toMatch(
      /target: unknown key "cluster"; allowed keys: kind, context, kubeconfig, namespace, ingressDomain, .*itViewerGroup, storageClassName, registry \(line 6\)/,
    );
  });

  it("bad enum values list the allowed values", () => {
    expect(failure(`${MINIMAL}target: { kind: nomad }\n`).message).toContain(
      "target.kind: must be one of the supported kinds (docker, kubernetes) (line 5)",
    );
    expect(
      failure(`${MINIMAL}sites:\n  - name: paris\n    profile: mars-base\n    learners: 3\n`).message,
    ).toContain(
      'sites[0].profile: must be one of "hq-lan", "regional-office", "small-branch", "vpn-home" (line 7)',
    );
  });

  it("out-of-range numbers give the bound", () => {
    const f = failure(
      `${MINIMAL}load:\n  peakLearners: 0\n  videoShare: 1.5\nsites:\n  - name: lyon\n    downlinkMbps: -2\n    learners: 5\n`,
    );
    expect(f.message).toContain("load.peakLearners: must be >= 1 (line 6)");
    expect(f.message).toContain("load.videoShare: must be <= 1 (line 7)");
    expect(f.message).toContain("sites[0].downlinkMbps: must be > 0 (line 10)");
  });

  it("bad durations say how to write one, or the allowed range", () => {
    expect(failure(`${MINIMAL}ttl: forever\n`).message).toContain(
      'ttl: "forever" is not a duration: write a number and a unit, e.g. 90s, 5m, 8h, 2d (line 5)',
    );
    expect(failure(`${MINIMAL}ttl: 30d\n`).message).toContain(
      "ttl: 30d is out of range: allowed 10m to 14d (line 5)",
    );
  });

  it("missing required fields and wrong types", () => {
    const f = failure("name: demo\ncandidates: nope\n");
    expect(f.message).toContain("owner: is required (expected string)");
    expect(f.message).toContain("candidates: expected array (line 2)");
  });

  it("YAML syntax errors give the line", () => {
    const f = failure("name: demo\nowner: anna\ncandidates:\n  - catalog: [reference-lms\n");
    expect(f.code).toBe("SPEC_BAD_YAML");
    expect(f.exitCode).toBe(2);
    expect(f.message).toMatch(/^sandbox.yaml:\d+ is not valid YAML: /);
    expect(failure("name: a\nname: b\n").message).toMatch(
      /^sandbox.yaml:2 is not valid YAML: Map keys must be unique/,
    );
    expect(failure("- just\n- a list\n")).toMatchObject({ code: "SPEC_NOT_A_MAPPING" });
  });

  it("a kubernetes namespace that is the ingress controller's or monitoring's", () => {
    expect(failure(`${MINIMAL}target:\n  kind: kubernetes\n  namespace: monitoring\n`).message).toContain(
      "target.namespace (line 7): \"monitoring\" is the ingress controller's or monitoring's namespace: give the sandbox its own",
    );
  });

  it("more load runners than learners", () => {
    expect(failure(`${MINIMAL}load:\n  peakLearners: 3\n  runners: 5\n`).message).toContain(
      "load.runners (line 7): 5 runners for 3 learners: each runner needs at least one learner; lower load.runners",
    );
  });

  it("cross-field problems: names, references, catalog ids, think time, caps, runners", () => {
    const text = [
      "name: demo",
      "owner: anna",
      "candidates:",
      "  - catalog: reference-lms",
      "  - catalog: reference-lms",
      "  - catalog: postgres",
      "  - catalog: wordpress",
      "  - catalog: media-nginx",
      "courses:",
      "  - path: c.zip",
      "    candidates: [lms-b, media-nginx]",
      "sites:",
      "  - { name: lyon, profile: hq-lan, learners: 3 }",
      "  - { name: lyon, learners: 3 }",
      "load:",
      "  peakLearners: 600",
      "  maxLearners: 500",
      "  thinkTime: { min: 30s, max: 10s }",
      "  duration: 2h",
      "  maxDuration: 1h",
    ].join("\n");
    const f = failure(text);
    expect(f.code).toBe("SPEC_INVALID");
    const lines = f.message.split("\n").slice(1);
    expect(lines).toEqual([
      '  - candidates[1] (line 5): candidate name "reference-lms" is used twice: give one a distinct `name`',
      '  - courses[0].candidates (line 11): unknown candidate "lms-b"; candidates are: reference-lms, postgres, wordpress, media-nginx',
      '  - sites[1].name (line 14): site name "lyon" is used twice',
      '  - candidates[2].catalog (line 6): "postgres" is only started as another candidate\'s dependency; allowed values: reference-lms, media-nginx, media-caddy, media-httpd',
      '  - candidates[3].catalog (line 7): unknown catalog id "wordpress"; allowed values: reference-lms, media-nginx, media-caddy, media-httpd',
      '  - courses[0].candidates (line 11): "media-nginx" is a media server, not an LMS: courses are installed into LMS candidates only',
      "  - load.thinkTime (line 18): min (30s) is larger than max (10s)",
      "  - load.peakLearners (line 16): 600 is above load.maxLearners (500): lower it or raise the cap",
      "  - load.duration (line 19): 7200s is above load.maxDuration (3600s): shorten it or raise the cap",
      '  - sites[1] (line 14): site "lyon" needs downlinkMbps (and usually uplinkMbps, rttMs) or a profile: hq-lan, regional-office, small-branch, vpn-home',
    ]);
  });

  it("refuses Moodle before anything is created, naming what it needs (exit 3)", () => {
    const text = ["name: demo", "owner: anna", "candidates:", "  - catalog: moodle"].join("\n");
    const f = failure(text);
    expect(f.code).toBe("CANDIDATE_UNAVAILABLE");
    expect(f.exitCode).toBe(3);
    expect(f.message).toMatch(
      /candidate "moodle" \(Moodle\) cannot run here: it needs a Moodle image in a registry you name/,
    );
    expect(f.hint).toMatch(/reference-lms/);
  });
});

describe("parseSpecText: sites on the kubernetes target", () => {
  it("refuses site links on kubernetes, naming the path and the docker target as the way to measure them", () => {
    const refused = failure(
      `${MINIMAL}target: { kind: kubernetes }\nsites:\n  - name: lyon\n    profile: regional-office\n    learners: 20\n`,
    );
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain(
      "- sites (line 7): site links (branch WAN emulation) run on the docker target only",
    );
  });
});
