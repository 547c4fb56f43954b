import { inspectCourse } from "/work/main/sandbox-cli/src/course/index.ts";
for (const f of process.argv.slice(2)) {
  try { const p = await inspectCourse(f); console.log(f, JSON.stringify({format:p.format, edition:p.edition, valid:p.valid, launches:p.launches, findings:p.findings, media:p.media, hosts:p.externalHosts.map(h=>h.host), files:p.files, peak:p.estimatedPeakMbps}, null, 1).slice(0, 3000)); }
  catch (e) { console.log(f, "ERR", (e as Error).message); }
}
