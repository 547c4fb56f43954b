import { trainingBudget } from "../capacity/link-share.ts";
import { fmtInt, fmtLearners, fmtMbps, fmtPct } from "./format.ts";
import type { PolicyResult } from "./input.ts";
import type { CourseSection, LoadSection, Reason, SiteRow, ThresholdCheck } from "./schema.ts";
import { FAR_OVER_CAPACITY_FACTOR } from "./sections.ts";
import { bystanderIt } from "./site-bystander.ts";

/** What the verdict is decided from: the report's own sections, so a report can be re-judged from its JSON. */
export interface VerdictFacts {
  readonly thresholds: readonly ThresholdCheck[];
  readonly load: Pick<LoadSection, "passed" | "integrity"> | null;
  readonly course: CourseSection | null;
  readonly policy: readonly PolicyResult[];
  readonly sites: readonly SiteRow[];
  /** spec policy.rejectExternalHttp: plain-http hosts reject instead of adding a condition. */
  readonly rejectExternalHttp: boolean;
}

type Rule = (facts: VerdictFacts) => Reason[];

const technologyNames: Record<string, string> = {
  flash: "Flash",
  "java-applet": "Java applets",
  silverlight: "Silverlight",
  shockwave: "Shockwave",
};

const reject = (rule: string, subject: string, training: string, it: string): Reason => ({
  rule,
  level: "reject",
  subject,
  training,
  it,
});
const condition = (rule: string, subject: string, training: string, it: string): Reason => ({
  rule,
  level: "condition",
  subject,
  training,
  it,
});

/**
 * The verdict rules, in the order their reasons are listed. Any "reject" reason makes the verdict
 * REJECT; otherwise any "condition" makes it PROMOTE WITH CONDITIONS; otherwise PROMOTE.
 *
 * REJECT when:
 *  - not-load-tested: there is no load-test result, so nothing was measured;
 *  - threshold-failed: a load threshold (p95, error rate, rebuffering, server CPU/memory...) failed,
 *    or the load engine marked the run failed;
 *  - data-lost: runtime commits or xAPI statements sent were not all stored;
 *  - course-invalid: the course package has error findings;
 *  - policy-mandatory: a mandatory policy-pack rule failed;
 *  - site-over-capacity: a site expects more than FAR_OVER_CAPACITY_FACTOR x its capacity
 *    (measured, else predicted) and no smaller rendition lets everyone in;
 *  - external-http, when the spec sets policy.rejectExternalHttp.
 * PROMOTE WITH CONDITIONS when:
 *  - policy-advisory: an advisory policy rule failed;
 *  - external-http: the course fetches from a host over plain http;
 *  - external-host: the course needs an internet host (untested: the sandbox has no route out);
 *  - obsolete-technology: Flash, Java applets, Silverlight or Shockwave are in the package;
 *  - site-smaller-rendition: a site fits every learner only with a lower video rendition;
 *  - site-fewer-learners: a site is over capacity by at most FAR_OVER_CAPACITY_FACTOR (run in waves);
 *  - site-capacity-unknown: a site has no capacity figure.
 */
export const verdictRules: readonly Rule[] = [
  function notLoadTested({ load }) {
    return load
      ? []
      : [
          reject(
            "not-load-tested",
            "load test",
            "the course was not tried with simulated learners, so nobody knows how many can take it at once",
            "no load-test result in this run",
          ),
        ];
  },
  function thresholdFailed({ thresholds, load }) {
    const failed = thresholds
      .filter((t) => !t.ok)
      .map((t) => reject("threshold-failed", t.name, t.training, t.it));
    if (load && !load.passed && failed.length === 0) {
      failed.push(
        reject(
          "threshold-failed",
          "load run",
          "the load test did not complete as planned",
          "load engine marked the run as failed",
        ),
      );
    }
    return failed;
  },
  function dataLost({ load }) {
    const integrity = load?.integrity;
    if (!integrity) return [];
    const lostCommits = integrity.commitsSent - integrity.commitsStored;
    const lostStatements = integrity.statementsSent - integrity.statementsStored;
    if (integrity.ok && lostCommits <= 0 && lostStatements <= 0) return [];
    return [
      reject(
        "data-lost",
        "learner progress",
        `learners' progress was lost: ${fmtInt(Math.max(lostCommits, 0))} progress saves and ${fmtInt(Math.max(lostStatements, 0))} activity records never arrived, so learners could lose their place or completion`,
        `commits stored ${fmtInt(integrity.commitsStored)}/${fmtInt(integrity.commitsSent)}, statements stored ${fmtInt(integrity.statementsStored)}/${fmtInt(integrity.statementsSent)}`,
      ),
    ];
  },
  function courseInvalid({ course }) {
    if (!course || course.valid) return [];
    const errors = course.findings.filter((f) => f.severity === "error");
    const first = errors[0];
    return [
      reject(
        "course-invalid",
        "course package",
        `the course package is broken and an LMS may refuse it or show it wrongly${first ? `: ${first.message}` : ""}`,
        `${errors.length} error finding(s): ${errors.map((f) => `${f.code}${f.path ? ` at ${f.path}` : ""}`).join(", ") || "package marked invalid"}`,
      ),
    ];
  },
  function policyMandatory({ policy }) {
    return policy
      .filter((p) => p.enforcement === "mandatory" && !p.ok)
      .map((p) =>
        reject(
          "policy-mandatory",
          p.rule,
          `an IT rule that must hold does not: ${p.message}`,
          `mandatory policy ${p.rule} failed: ${p.message}`,
        ),
      );
  },
  function siteOverCapacity({ sites }) {
    return sites
      .filter((s) => s.fit === "over-capacity")
      .map((s) =>
        reject(
          "site-over-capacity",
          s.site,
          `site ${s.site} expects ${fmtLearners(s.expectedLearners)} at once but its link carries only ${fmtInt(s.capacity ?? 0)}${harmWords(s)}, and no smaller video quality lets them all in`,
          siteIt(s),
        ),
      );
  },
  function externalHttp({ course, rejectExternalHttp }) {
    const make = rejectExternalHttp ? reject : condition;
    return (course?.externalHosts ?? [])
      .filter((h) => h.plainHttp)
      .map((h) =>
        make(
          "external-http",
          h.host,
          `the course loads parts of itself from ${h.host} without encryption, which learners' browsers may block`,
          `${h.references} plain-http reference(s) to ${h.host}${rejectExternalHttp ? " (policy rejectExternalHttp)" : ""}`,
        ),
      );
  },
  function externalHost({ course }) {
    return (course?.externalHosts ?? [])
      .filter((h) => !h.plainHttp)
      .map((h) =>
        condition(
          "external-host",
          h.host,
          `the course needs the internet site ${h.host}; that part was not tested here and learners need access to it`,
          `${h.references} https reference(s) to ${h.host}: allow it through the proxy; not covered by the load test`,
        ),
      );
  },
  function obsoleteTechnology({ course }) {
    return (course?.obsoleteTechnology ?? []).map((o) =>
      condition(
        "obsolete-technology",
        o.path,
        `part of the course (${o.path}) uses ${technologyNames[o.kind] ?? o.kind}, which current browsers no longer run`,
        `${technologyNames[o.kind] ?? o.kind} content at ${o.path}`,
      ),
    );
  },
  function policyAdvisory({ policy }) {
    return policy
      .filter((p) => p.enforcement === "advisory" && !p.ok)
      .map((p) =>
        condition(
          "policy-advisory",
          p.rule,
          `an IT recommendation is not met: ${p.message}`,
          `advisory policy ${p.rule} failed: ${p.message}`,
        ),
      );
  },
  function siteNeedsChange({ sites }) {
    return sites.flatMap((s) => {
      if (s.fit === "smaller-rendition") {
        return [
          condition(
            "site-smaller-rendition",
            s.site,
            `the ${fmtLearners(s.expectedLearners)} at site ${s.site} fit only if the video plays at ${s.fittingRendition} instead of the top quality`,
            siteIt(s),
          ),
        ];
      }
      if (s.fit === "fewer-learners") {
        const capacity = s.capacity ?? 0;
        return [
          condition(
            "site-fewer-learners",
            s.site,
            `site ${s.site} can take ${fmtInt(capacity)} of its ${fmtLearners(s.expectedLearners)} at once${harmWords(s)}: schedule the course in ${Math.ceil(s.expectedLearners / Math.max(capacity, 1))} waves`,
            siteIt(s),
          ),
        ];
      }
      if (s.fit === "unknown") {
        return [
          condition(
            "site-capacity-unknown",
            s.site,
            `how many learners at site ${s.site} can take the course at once was not worked out`,
            "no capacity figure (predicted or measured) for this site",
          ),
        ];
      }
      return [];
    });
  },
];

const harmWords = (s: SiteRow) =>
  s.capacityBound === "harm" ? " without slowing the other applications on its link" : "";

function siteIt(s: SiteRow): string {
  const rung = s.renditions.find((r) => r.rendition === s.capacityRendition) ?? s.renditions[0];
  const budget = trainingBudget(s).downMbps;
  const measured = s.measuredNMax !== null && (s.measuredRendition ?? null) === (rung?.rendition ?? null);
  return [
    `downlink ${fmtMbps(s.downlinkMbps)} x training share ${fmtPct(s.trainingShare)} = ${fmtMbps(budget)}`,
    rung ? `${fmtMbps(rung.perLearnerMbps)} per learner at ${rung.rendition}` : null,
    `N_max ${fmtInt(s.capacity ?? 0)} (${measured || s.capacityBound === "harm" ? "measured" : "predicted"}) vs ${fmtInt(s.expectedLearners)} expected`,
    s.fit === "over-capacity" ? `more than ${FAR_OVER_CAPACITY_FACTOR}x over` : null,
    s.bystander ? bystanderIt(s.bystander, s.capacityBound ?? "playback", s.expectedLearners) : null,
  ]
    .filter(Boolean)
    .join("; ");
}

export function collectReasons(facts: VerdictFacts): Reason[] {
  const reasons = verdictRules.flatMap((rule) => rule(facts));
  return [...reasons.filter((r) => r.level === "reject"), ...reasons.filter((r) => r.level === "condition")];
}
