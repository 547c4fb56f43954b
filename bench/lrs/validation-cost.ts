/**
 * Cost of xAPI 1.0.3 statement validation in the reference LMS: the learner journey's statements
 * (one per POST, as loadtests/scenarios/learner-journey sends them) against two LMS containers of the
 * same image side by side, one validating (the default) and one with XAPI_VALIDATION=off (what the
 * LRS did before: stored unchecked). Rounds alternate A/B. Figure: statements per CPU-second of the
 * LMS container (Docker's cpu counters), and validated / unvalidated.
 * Usage: npm run bench:lrs [-- statements=1200 concurrency=8 rounds=3]
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Lrs, startLrs } from "../../test/integration/reference-lms/lrs.ts";

const [statements = 1200, concurrency = 8, rounds = 3] = process.argv.slice(2).map(Number);
const ROUND_LIMIT_MS = 180_000;

const cpuNs = async (lrs: Lrs) => {
  const stats = (await lrs.stack.lms.stats({ stream: false })) as {
    cpu_stats: { cpu_usage: { total_usage: number } };
  };
  return stats.cpu_stats.cpu_usage.total_usage;
};

/** A progressed statement as the learner journey sends it (loadtests/scenarios/learner-journey/journey.ts). */
const journeyStatement = (registration: string, sequence: number) => ({
  id: randomUUID(),
  actor: { objectType: "Agent", name: "learner1", mbox: "mailto:learner1@reference-lms.invalid" },
  verb: { id: "http://adlnet.gov/expapi/verbs/progressed", display: { "en-US": "progressed" } },
  object: { id: "http://example.com/courses/golf/activity", objectType: "Activity" },
  context: { registration },
  result: { extensions: { "https://example.invalid/progress": sequence } },
  timestamp: new Date().toISOString(),
});

async function round(lrs: Lrs): Promise<{ stored: number; cpuS: number; perCpuS: number }> {
  const registration = randomUUID();
  const deadline = Date.now() + ROUND_LIMIT_MS;
  let next = 0;
  let stored = 0;
  const before = await cpuNs(lrs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < statements && Date.now() < deadline) {
        const sequence = next++;
        const reply = await lrs.call("POST", "statements", {
          json: [journeyStatement(registration, sequence)],
        });
        if (reply.status !== 200)
          throw new Error(`statement refused: ${reply.status} ${reply.text}\n${await lrs.stack.logs()}`);
        stored += 1;
      }
    }),
  );
  const cpuS = ((await cpuNs(lrs)) - before) / 1e9;
  return { stored, cpuS, perCpuS: stored / cpuS };
}

const validated = await startLrs();
const unvalidated = await startLrs(["XAPI_VALIDATION=off"]);
try {
  const results: { round: number; validated: number; unvalidated: number }[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first so warm-up and neighbours' load fall on both.
    const [a, b] = i % 2 === 0 ? [validated, unvalidated] : [unvalidated, validated];
    const first = await round(a);
    const second = await round(b);
    const on = a === validated ? first : second;
    const off = a === validated ? second : first;
    results.push({ round: i + 1, validated: on.perCpuS, unvalidated: off.perCpuS });
    console.error(
      `round ${i + 1}: validated ${on.perCpuS.toFixed(0)} statements/CPU-s, unvalidated ${off.perCpuS.toFixed(0)} (ratio ${(on.perCpuS / off.perCpuS).toFixed(2)})`,
    );
  }
  const median = (values: number[]) =>
    [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
  const summary = {
    statementsPerRound: statements,
    concurrency,
    rounds: results,
    medianValidated: median(results.map((r) => r.validated)),
    medianUnvalidated: median(results.map((r) => r.unvalidated)),
    ratio: median(results.map((r) => r.validated / r.unvalidated)),
  };
  const out = join(process.cwd(), "bench", "out", "lrs");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "validation-cost.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `statements per LMS CPU-second: validated ${summary.medianValidated.toFixed(0)}, unvalidated ${summary.medianUnvalidated.toFixed(0)}; validated / unvalidated ${summary.ratio.toFixed(2)} (median of ${rounds} rounds)`,
  );
} finally {
  await validated.stack.stop();
  await unvalidated.stack.stop();
}
