import { fmtInt } from "./format.ts";
import type { Report } from "./schema.ts";

interface Case {
  name: string;
  classname: string;
  /** a failure blocks promotion (a REJECT reason). */
  failure?: { type: string; message: string; detail: string };
  skipped?: string;
  /** conditions and remarks that do not fail the case. */
  out?: string;
}

interface Suite {
  name: string;
  cases: Case[];
}

/**
 * junit.xml for CI dashboards: one suite each for thresholds, policy rules and sites, one testcase
 * per item. Only what makes the verdict REJECT is a <failure>; conditions pass with their reason in
 * <system-out>, and a site with no capacity figure is <skipped>.
 */
export function renderJunit(report: Report): string {
  const suites: Suite[] = [thresholdSuite(report), policySuite(report), siteSuite(report)];
  const total = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.cases.filter((c) => c.failure).length, 0);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${attr(`promotion report ${report.sandbox.name}: ${report.verdict.decision}`)}" tests="${total}" failures="${failures}" errors="0" time="0">`,
    ...suites.flatMap((suite) => renderSuite(suite, report.generatedAt)),
    `</testsuites>`,
  ];
  return `${lines.join("\n")}\n`;
}

function thresholdSuite(report: Report): Suite {
  const cases: Case[] = report.thresholds.map((t) => ({
    name: t.name,
    classname: "promotion.thresholds",
    ...(t.ok
      ? { out: t.it }
      : { failure: { type: "threshold", message: t.it, detail: `${t.training}\n${t.it}` } }),
  }));
  if (!report.load) {
    cases.push({
      name: "load test",
      classname: "promotion.thresholds",
      failure: {
        type: "not-load-tested",
        message: "no load-test result in this run",
        detail: "run `sandbox loadtest`",
      },
    });
  }
  return { name: "thresholds", cases };
}

function policySuite(report: Report): Suite {
  return {
    name: "policy",
    cases: report.policy.map((p) => {
      const base = { name: p.rule, classname: `promotion.policy.${p.enforcement}` };
      if (p.ok) return { ...base, out: p.message };
      if (p.enforcement === "mandatory")
        return { ...base, failure: { type: "policy-mandatory", message: p.message, detail: p.message } };
      return { ...base, out: `condition (advisory rule failed): ${p.message}` };
    }),
  };
}

function siteSuite(report: Report): Suite {
  return {
    name: "sites",
    cases: report.sites.map((s) => {
      const base = { name: s.site, classname: "promotion.sites" };
      const reason = report.verdict.reasons.find((r) => r.subject === s.site && r.rule.startsWith("site-"));
      const figures = `${fmtInt(s.expectedLearners)} expected, capacity ${s.capacity === null ? "unknown" : fmtInt(s.capacity)}`;
      if (s.fit === "unknown") return { ...base, skipped: `no capacity figure for site ${s.site}` };
      if (s.fit === "over-capacity")
        return {
          ...base,
          failure: {
            type: "site-over-capacity",
            message: figures,
            detail: reason ? `${reason.training}\n${reason.it}` : figures,
          },
        };
      if (reason) return { ...base, out: `condition: ${reason.training} (${reason.it})` };
      return { ...base, out: figures };
    }),
  };
}

function renderSuite(suite: Suite, timestamp: string): string[] {
  const failures = suite.cases.filter((c) => c.failure).length;
  const skipped = suite.cases.filter((c) => c.skipped !== undefined).length;
  const lines = [
    `  <testsuite name="${attr(suite.name)}" tests="${suite.cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0" timestamp="${attr(timestamp.replace(/Z$/, ""))}">`,
  ];
  for (const c of suite.cases) {
    const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}" time="0"`;
    const body: string[] = [];
    if (c.skipped !== undefined) body.push(`      <skipped message="${attr(c.skipped)}"/>`);
    if (c.failure)
      body.push(
        `      <failure type="${attr(c.failure.type)}" message="${attr(c.failure.message)}">${text(c.failure.detail)}</failure>`,
      );
    if (c.out) body.push(`      <system-out>${text(c.out)}</system-out>`);
    lines.push(body.length ? `${open}>\n${body.join("\n")}\n    </testcase>` : `${open}/>`);
  }
  lines.push("  </testsuite>");
  return lines;
}

// XML 1.0 forbids most control characters even when escaped; drop them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point of this pattern
const invalidXmlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const text = (value: string) =>
  value.replace(invalidXmlChars, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const attr = (value: string) => text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;");
