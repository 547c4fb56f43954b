import { ExitCode } from "../errors.ts";
import { fmtInt, fmtLearners } from "./format.ts";
import type { Decision, Reason, Report, SiteRow, VerdictChange } from "./schema.ts";
import { proposeSiteChanges, reasonKey } from "./site-changes.ts";
import { collectReasons, type VerdictFacts } from "./verdict-rules.ts";

export type { VerdictFacts } from "./verdict-rules.ts";

export const exitCodeFor: Record<Decision, number> = {
  PROMOTE: ExitCode.ok,
  REJECT: ExitCode.checkFailed,
  "PROMOTE WITH CONDITIONS": ExitCode.promoteWithConditions,
};

export const decide = (reasons: readonly Reason[]): Decision =>
  reasons.some((r) => r.level === "reject")
    ? "REJECT"
    : reasons.length > 0
      ? "PROMOTE WITH CONDITIONS"
      : "PROMOTE";

const key = reasonKey;

/** The verdict: decision, reasons, what would change it, and the decision after those changes. */
export function judge(facts: VerdictFacts): Report["verdict"] {
  const reasons = collectReasons(facts);
  const decision = decide(reasons);
  const changes = proposeChanges(reasons, facts.sites);
  const lifted = new Set(changes.flatMap((c) => c.lifts));
  const remaining = reasons.filter((r) => !lifted.has(key(r)));
  const afterChanges =
    reasons.length > 0 && !remaining.some((r) => r.level === "reject") ? decide(remaining) : null;
  return {
    decision,
    exitCode: exitCodeFor[decision],
    headline: headline(decision, reasons, facts.sites),
    reasons,
    changes,
    afterChanges,
  };
}

function headline(decision: Decision, reasons: readonly Reason[], sites: readonly SiteRow[]): string {
  const fitting = sites.filter((s) => s.fit === "fits");
  const learners = fitting.reduce((sum, s) => sum + s.expectedLearners, 0);
  const reach = sites.length
    ? `${fitting.length} of ${sites.length} site(s) take all their learners at once (${fmtLearners(learners)})`
    : "no sites were described";
  const rejects = reasons.filter((r) => r.level === "reject").length;
  const bound = boundWords(sites);
  if (decision === "REJECT")
    return `Not ready for the production network: ${rejects} blocking reason(s); ${reach}${bound}.`;
  if (decision === "PROMOTE WITH CONDITIONS")
    return `May go onto the production network once ${reasons.length} condition(s) are met; ${reach}${bound}.`;
  return `Ready for the production network: every threshold, policy rule and site passed; ${reach}${bound}.`;
}

/** "; site branch: 5 at once, bound by playback, not by harm to other applications" for measured links. */
function boundWords(sites: readonly SiteRow[]): string {
  return sites
    .filter((s) => s.bystander && s.capacityBound && s.capacity !== null && s.capacity !== undefined)
    .map(
      (s) =>
        `; site ${s.site}: ${fmtInt(s.capacity ?? 0)} at once, bound by ${s.capacityBound === "harm" ? "harm to other applications, not by playback" : "playback, not by harm to other applications"}`,
    )
    .join("");
}

/** What would lift each reason: site changes first (see site-changes.ts), then one fix per other reason. */
export function proposeChanges(reasons: readonly Reason[], sites: readonly SiteRow[]): VerdictChange[] {
  const changes: VerdictChange[] = [];
  const siteReasons = reasons.filter((r) => r.rule.startsWith("site-") && r.rule !== "site-capacity-unknown");
  changes.push(...proposeSiteChanges(siteReasons, sites));
  for (const reason of reasons) {
    const fix = fixFor(reason);
    if (fix)
      changes.push({
        change: fix,
        lifts: [key(reason)],
        effect: reason.level === "reject" ? "removes one blocking reason" : "meets one condition",
      });
  }
  return changes;
}

function fixFor(reason: Reason): string | null {
  switch (reason.rule) {
    case "not-load-tested":
      return "run `sandbox loadtest` and build the report again";
    case "threshold-failed": {
      const now = /= ([^,]+), limit/.exec(reason.it)?.[1];
      return reason.subject === "load run"
        ? "find why the load run failed (its log) and run it again"
        : `make ${reason.subject} pass${now ? ` (now ${now})` : ""}`;
    }
    case "data-lost":
      return "find why the LMS dropped progress saves (its logs, database connections), fix it and re-run the load test";
    case "course-invalid":
      return "fix the package errors listed under the course profile and re-run `sandbox course validate`";
    case "policy-mandatory":
    case "policy-advisory":
      return `satisfy policy rule ${reason.subject}`;
    case "external-http":
      return `serve ${reason.subject} over https, or package its files inside the course`;
    case "external-host":
      return `package the files from ${reason.subject} inside the course, or have IT allow ${reason.subject}`;
    case "obsolete-technology":
      return `replace ${reason.subject} with HTML5 content`;
    case "site-capacity-unknown":
      return `run the capacity model for site ${reason.subject} (\`sandbox loadtest --find-capacity --site ${reason.subject}\`)`;
    default:
      return null;
  }
}
