/**
 * The CPU cost of statement validation alone, in process: the learner journey's statement prepared for
 * storage with xAPI 1.0.3 validation and without, alternated over rounds in one run (no HTTP, no database).
 * Figure: statements per CPU-second, validated / unvalidated. Usage: npx tsx bench/lrs/prepare-cost.ts [n=20000] [rounds=3]
 */
import { randomUUID } from "node:crypto";
import { prepareStatement } from "../../images/reference-lms/src/xapi/statements.ts";

const [n = 20_000, rounds = 3] = process.argv.slice(2).map(Number);
const authority = {
  objectType: "Agent",
  name: "reference-lms",
  account: { homePage: "http://lms", name: "lms" },
};
const body = () =>
  JSON.stringify({
    id: randomUUID(),
    actor: { objectType: "Agent", name: "learner1", mbox: "mailto:learner1@reference-lms.invalid" },
    verb: { id: "http://adlnet.gov/expapi/verbs/progressed", display: { "en-US": "progressed" } },
    object: { id: "http://example.com/courses/golf/activity", objectType: "Activity" },
    context: { registration: randomUUID() },
    result: { extensions: { "https://example.invalid/progress": 3 } },
    timestamp: new Date().toISOString(),
  });

function perCpuSecond(validate: boolean): number {
  const bodies = Array.from({ length: n }, body);
  const start = process.cpuUsage();
  for (const text of bodies)
    JSON.stringify(prepareStatement(JSON.parse(text), { now: new Date(), authority, validate }).statement);
  const used = process.cpuUsage(start);
  return n / ((used.user + used.system) / 1e6);
}

const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  // Alternate which goes first so warm-up falls on both.
  const validatedFirst = round % 2 === 1;
  const early = validatedFirst ? perCpuSecond(true) : perCpuSecond(false);
  const late = validatedFirst ? perCpuSecond(false) : perCpuSecond(true);
  const [on, off] = validatedFirst ? [early, late] : [late, early];
  ratios.push(on / off);
  console.error(`round ${round}: validated ${on.toFixed(0)}, unvalidated ${off.toFixed(0)} statements/CPU-s`);
}
const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)] as number;
console.log(
  `statement preparation, validated / unvalidated statements per CPU-second: ${median.toFixed(2)} (median of ${rounds})`,
);
