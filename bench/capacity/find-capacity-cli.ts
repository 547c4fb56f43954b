/**
 * The product's own capacity search, run as a user runs it, against a sandbox that is up:
 *
 *   npx sandbox demo --keep
 *   node --import tsx bench/capacity/find-capacity-cli.ts --spec SPEC --cases branch:360p,regional:540p
 *
 * Each case is `sandbox loadtest --spec SPEC --site SITE --find-capacity --rendition R --json`: the
 * site's shaped link is built, every viewer plays rendition R (the LMS journey runs beside the video),
 * and learners are ramped until playback degrades. The table compares the measured N_max with the
 * capacity model's N_max for the same rendition. Cases run one after another (each owns the link).
 * Writes bench/out/capacity-find-capacity-cli.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { predictedForRendition, predictionError } from "../../sandbox-cli/src/capacity/measured.ts";
import { siteCapacitySchema } from "../../sandbox-cli/src/capacity/result-schema.ts";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";

const { values } = parseArgs({
  options: {
    spec: { type: "string" },
    cases: { type: "string", default: "branch:360p" },
    duration: { type: "string", default: "30s" },
  },
});
if (!values.spec) {
  process.stderr.write(
    "--spec is required: the spec of a sandbox that is up (e.g. `npx sandbox demo --keep`)\n",
  );
  process.exit(2);
}
const cases = values.cases.split(",").map((text) => {
  const [site, rendition] = text.split(":");
  if (!site || !rendition) {
    process.stderr.write(`case "${text}" is not SITE:RENDITION, e.g. branch:360p\n`);
    process.exit(2);
  }
  return { site, rendition };
});

const rows = [];
for (const { site, rendition } of cases) {
  const started = Date.now();
  const run = await execa(
    process.execPath,
    [
      join(projectRoot, "sandbox-cli", "bin", "sandbox.mjs"),
      "loadtest",
      "--spec",
      values.spec,
      "--site",
      site,
      "--find-capacity",
      "--rendition",
      rendition,
      "--duration",
      values.duration,
      "--json",
    ],
    { reject: false, stderr: "inherit", env: { NO_COLOR: "1" } },
  );
  if (run.exitCode !== 0) {
    process.stderr.write(`case ${site}:${rendition} failed (exit ${run.exitCode})\n`);
    process.exit(1);
  }
  const measured = siteCapacitySchema.parse(JSON.parse(String(run.stdout)));
  const predicted = predictedForRendition(measured, rendition);
  rows.push({
    site,
    downlinkMbps: measured.downlinkMbps,
    trainingShare: measured.trainingShare,
    rendition,
    predictedNMax: predicted,
    measuredNMax: measured.measuredNMax,
    error: predictionError(predicted, measured.measuredNMax ?? 0),
    probes: measured.measurement?.probes ?? [],
    resolved: measured.measurement?.resolved ?? false,
    capped: measured.measurement?.capped ?? false,
    wallS: Math.round((Date.now() - started) / 1000),
  });
}

const outDir = join(projectRoot, "bench", "out");
await mkdir(outDir, { recursive: true });
await writeFile(
  join(outDir, "capacity-find-capacity-cli.json"),
  `${JSON.stringify({ schemaVersion: 1, duration: values.duration, rows }, null, 2)}\n`,
);
process.stdout.write("site | link x share | rendition | predicted | measured | apart | probes | wall\n");
for (const row of rows) {
  process.stdout.write(
    `${row.site} | ${row.downlinkMbps} Mbit/s x ${row.trainingShare} | ${row.rendition} | ${row.predictedNMax} | ${row.measuredNMax}${row.capped ? "+" : ""} | ${(row.error * 100).toFixed(0)}% | ${row.probes.map((p) => `${p.learners}${p.degraded ? "x" : "ok"}`).join(" ")} | ${row.wallS} s\n`,
  );
}
