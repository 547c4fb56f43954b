import { canonicalJson } from "./canonical.ts";
import type { ReportInput } from "./input.ts";
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type Report, reportSchema } from "./schema.ts";
import { buildCourseSection, buildLoadSection, buildSiteRows } from "./sections.ts";
import { buildThresholdChecks } from "./thresholds.ts";
import { judge } from "./verdict.ts";

/** Builds the promotion report from its inputs. Pure: same input, same report (and same sha256). */
export function buildReport(input: ReportInput): Report {
  const load = input.load ? buildLoadSection(input.load) : null;
  const thresholds =
    input.load && load ? buildThresholdChecks(input.load, load, input.spec.policy.thresholds) : [];
  const sites = buildSiteRows(input.sites, input.capacity?.sites ?? []);
  const course = input.course ? buildCourseSection(input.course) : null;
  const policy = input.policy.map((p) => ({ ...p }));
  const verdict = judge({
    thresholds,
    load,
    course,
    policy,
    sites,
    rejectExternalHttp: input.spec.policy.rejectExternalHttp,
  });
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: REPORT_KIND,
    generatedAt: input.generatedAt,
    sandbox: {
      name: input.spec.name,
      owner: input.spec.owner,
      target: input.spec.target.kind,
      candidates: input.spec.candidates.map((c) => c.name ?? c.catalog),
    },
    verdict: input.candidates ? { ...verdict, candidates: { ...input.candidates } } : verdict,
    thresholds,
    sites,
    course,
    policy,
    load,
    ...(input.bakeoff?.length ? { bakeoff: structuredClone(input.bakeoff) } : {}),
    provenance: structuredClone(input.provenance),
  };
  // Hand back exactly what report.json will hold (keys sorted, undefined dropped), so rendering a fresh
  // report and rendering its file give the same bytes; and a builder bug must fail here, not when read.
  return reportSchema.parse(JSON.parse(canonicalJson(report)));
}
