import { fmtInt, fmtMs, fmtPct } from "./format.ts";
import type { Decision, Report } from "./schema.ts";

export interface ValueChange<T> {
  old: T;
  new: T;
}

export interface SiteDiff {
  site: string;
  status: "added" | "removed" | "changed";
  expectedLearners: ValueChange<number | null>;
  capacity: ValueChange<number | null>;
  fit: ValueChange<string | null>;
}

export interface ReportDiff {
  verdict: ValueChange<Decision> & { changed: boolean };
  sites: SiteDiff[];
  latency: {
    httpP95Ms: ValueChange<number | null>;
    httpErrorRate: ValueChange<number | null>;
    rebufferRatio: ValueChange<number | null>;
  };
  thresholds: { name: string; old: boolean | null; new: boolean | null }[];
  policy: { rule: string; old: boolean | null; new: boolean | null }[];
  findings: { added: string[]; removed: string[] };
  reasons: { added: string[]; removed: string[] };
  courseChanged: boolean;
  /** true when nothing a reader cares about changed. */
  same: boolean;
}

/** What changed between two reports: verdict, capacity per site, latency, thresholds, policy, findings. */
export function diffReports(older: Report, newer: Report): ReportDiff {
  const siteNames = unique([...older.sites.map((s) => s.site), ...newer.sites.map((s) => s.site)]);
  const sites = siteNames.flatMap((name): SiteDiff[] => {
    const a = older.sites.find((s) => s.site === name);
    const b = newer.sites.find((s) => s.site === name);
    const entry: SiteDiff = {
      site: name,
      status: !a ? "added" : !b ? "removed" : "changed",
      expectedLearners: { old: a?.expectedLearners ?? null, new: b?.expectedLearners ?? null },
      capacity: { old: a?.capacity ?? null, new: b?.capacity ?? null },
      fit: { old: a?.fit ?? null, new: b?.fit ?? null },
    };
    const changed =
      entry.status !== "changed" ||
      entry.expectedLearners.old !== entry.expectedLearners.new ||
      entry.capacity.old !== entry.capacity.new ||
      entry.fit.old !== entry.fit.new;
    return changed ? [entry] : [];
  });
  const summary = (r: Report) => r.load?.summary;
  const latency = {
    httpP95Ms: { old: summary(older)?.httpP95Ms ?? null, new: summary(newer)?.httpP95Ms ?? null },
    httpErrorRate: { old: summary(older)?.httpErrorRate ?? null, new: summary(newer)?.httpErrorRate ?? null },
    rebufferRatio: { old: summary(older)?.rebufferRatio ?? null, new: summary(newer)?.rebufferRatio ?? null },
  };
  const thresholds = changedFlags(
    older.thresholds.map((t) => [t.name, t.ok]),
    newer.thresholds.map((t) => [t.name, t.ok]),
  ).map(([name, a, b]) => ({ name, old: a, new: b }));
  const policy = changedFlags(
    older.policy.map((p) => [p.rule, p.ok]),
    newer.policy.map((p) => [p.rule, p.ok]),
  ).map(([rule, a, b]) => ({ rule, old: a, new: b }));
  const findingKey = (r: Report) =>
    (r.course?.findings ?? []).map((f) => `${f.severity} ${f.code}${f.path ? ` ${f.path}` : ""}`);
  const reasonKey = (r: Report) => r.verdict.reasons.map((x) => `${x.level} ${x.rule}: ${x.subject}`);
  const findings = setDiff(findingKey(older), findingKey(newer));
  const reasons = setDiff(reasonKey(older), reasonKey(newer));
  const verdict = {
    old: older.verdict.decision,
    new: newer.verdict.decision,
    changed: older.verdict.decision !== newer.verdict.decision,
  };
  const courseChanged = (older.course?.sha256 ?? null) !== (newer.course?.sha256 ?? null);
  const latencyChanged = Object.values(latency).some((v) => v.old !== v.new);
  const same =
    !verdict.changed &&
    !sites.length &&
    !latencyChanged &&
    !thresholds.length &&
    !policy.length &&
    !findings.added.length &&
    !findings.removed.length &&
    !reasons.added.length &&
    !reasons.removed.length &&
    !courseChanged;
  return { verdict, sites, latency, thresholds, policy, findings, reasons, courseChanged, same };
}

export function renderDiff(diff: ReportDiff): string {
  const lines: string[] = [];
  lines.push(
    diff.verdict.changed
      ? `verdict: ${diff.verdict.old} -> ${diff.verdict.new}`
      : `verdict: ${diff.verdict.new} (unchanged)`,
  );
  if (diff.same) {
    lines.push("no other change");
    return `${lines.join("\n")}\n`;
  }
  if (diff.courseChanged) lines.push("course: a different package (sha256 changed)");
  for (const s of diff.sites) {
    if (s.status === "added")
      lines.push(
        `site ${s.site}: added (${n(s.expectedLearners.new)} expected, capacity ${n(s.capacity.new)})`,
      );
    else if (s.status === "removed") lines.push(`site ${s.site}: removed`);
    else
      lines.push(
        `site ${s.site}: capacity ${n(s.capacity.old)} -> ${n(s.capacity.new)}, expected ${n(s.expectedLearners.old)} -> ${n(s.expectedLearners.new)}, ${s.fit.old} -> ${s.fit.new}`,
      );
  }
  const metric = (label: string, v: ValueChange<number | null>, f: (x: number) => string) => {
    if (v.old !== v.new)
      lines.push(`${label}: ${v.old === null ? "n/a" : f(v.old)} -> ${v.new === null ? "n/a" : f(v.new)}`);
  };
  metric("p95 response time", diff.latency.httpP95Ms, fmtMs);
  metric("error rate", diff.latency.httpErrorRate, fmtPct);
  metric("rebuffering", diff.latency.rebufferRatio, fmtPct);
  for (const t of diff.thresholds) lines.push(`threshold ${t.name}: ${flag(t.old)} -> ${flag(t.new)}`);
  for (const p of diff.policy) lines.push(`policy ${p.rule}: ${flag(p.old)} -> ${flag(p.new)}`);
  for (const r of diff.reasons.added) lines.push(`+ reason ${r}`);
  for (const r of diff.reasons.removed) lines.push(`- reason ${r}`);
  for (const f of diff.findings.added) lines.push(`+ finding ${f}`);
  for (const f of diff.findings.removed) lines.push(`- finding ${f}`);
  return `${lines.join("\n")}\n`;
}

const n = (v: number | null) => (v === null ? "n/a" : fmtInt(v));
const flag = (v: boolean | null) => (v === null ? "absent" : v ? "pass" : "fail");
const unique = (values: string[]) => [...new Set(values)];

function setDiff(older: string[], newer: string[]) {
  const a = new Set(older);
  const b = new Set(newer);
  return { added: [...b].filter((x) => !a.has(x)), removed: [...a].filter((x) => !b.has(x)) };
}

function changedFlags(
  older: [string, boolean][],
  newer: [string, boolean][],
): [string, boolean | null, boolean | null][] {
  const a = new Map(older);
  const b = new Map(newer);
  return unique([...a.keys(), ...b.keys()])
    .map((k): [string, boolean | null, boolean | null] => [k, a.get(k) ?? null, b.get(k) ?? null])
    .filter(([, x, y]) => x !== y);
}
