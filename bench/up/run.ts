/**
 * Bench: `sandbox up` against the same containers started by plain `docker run` commands, side by side.
 *   npx tsx bench/up/run.ts [--rounds N]
 * Each round, alternately: our `up` of a sandbox whose images are built (warm), then the plain script.
 * Also reports the cold `up` (first of a new sandbox on a fresh state dir) and the no-change `up`.
 * Writes bench/out/up-<time>.json (its state dir is removed afterwards). Only 127.0.0.1 is contacted.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sweepLabelled } from "../../sandbox-cli/src/engine/sweep.ts";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";
import { ensureImage } from "../../sandbox-cli/src/runtime/images.ts";
import { runProgram } from "../../sandbox-cli/src/util/exec.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";
import { planCandidates } from "../../stacks/catalog/index.ts";
import { EDGE_IMAGE, planDockerSandbox } from "../../stacks/docker/plan.ts";
import { plainDockerScript } from "./plain-docker.ts";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 3;
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = join(projectRoot, "bench", "out");
const stateDir = join(outDir, `up-state-${stamp}`);
const catalogIds = ["reference-lms", "media-nginx"];
const log = createLogger();

const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const cli = (args: string[]) =>
  runProgram("node", [join(projectRoot, "sandbox-cli", "bin", "sandbox.mjs"), ...args], {
    env: { ...process.env, SANDBOX_STATE_DIR: stateDir, NO_COLOR: "1" },
    timeout: 600_000,
  });

await mkdir(stateDir, { recursive: true });
const specPath = join(stateDir, "sandbox.yaml");
await writeFile(
  specPath,
  `name: bench-up\nowner: bench\nttl: 1h\ncandidates:\n${catalogIds.map((id) => `  - catalog: ${id}`).join("\n")}\n`,
);

// The plain peer: the same containers, planned for another name and other ports, started by a bash script.
const candidates = planCandidates(catalogIds.map((catalog) => ({ catalog })));
const recipes = [
  EDGE_IMAGE,
  ...candidates.flatMap((c) =>
    c.instances.flatMap((i) => ("recipe" in i.image.docker ? [i.image.docker.recipe] : [])),
  ),
];
const imageHashes: Record<string, string> = {};
const imageTags: Record<string, string> = {};
for (const recipe of recipes) {
  const built = await ensureImage(recipe, log);
  imageHashes[recipe.folder] = built.contextHash;
  imageTags[recipe.folder] = built.tag;
}
const peerPlan = planDockerSandbox({
  name: "bench-plain",
  owner: "bench",
  expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  candidates,
  hostPorts: { "reference-lms/http": 29_901, "media-nginx/http": 29_902 },
  imageHashes,
});
const peerScript = join(stateDir, "plain-docker.sh");
await writeFile(
  peerScript,
  plainDockerScript(peerPlan, imageTags, {
    "reference-lms": { dbPassword: "benchpassword1", adminPassword: "benchpassword2" },
  }),
  { mode: 0o755 },
);

const result = {
  rounds,
  coldUpS: 0,
  noChangeUpS: [] as number[],
  warmUpS: [] as number[],
  plainDockerS: [] as number[],
  downS: [] as number[],
};
try {
  await sweepLabelled("bench-plain");
  result.coldUpS = await log.step("cold up (new sandbox, fresh state dir)", () =>
    seconds(() => cli(["up", "--spec", specPath])),
  );
  for (let round = 0; round < rounds; round++) {
    result.noChangeUpS.push(
      await log.step(`round ${round + 1}: up with no change`, () =>
        seconds(() => cli(["up", "--spec", specPath])),
      ),
    );
    result.downS.push(
      await log.step(`round ${round + 1}: down`, () => seconds(() => cli(["down", "--spec", specPath]))),
    );
    result.warmUpS.push(
      await log.step(`round ${round + 1}: warm up`, () => seconds(() => cli(["up", "--spec", specPath]))),
    );
    result.plainDockerS.push(
      await log.step(`round ${round + 1}: plain docker run script`, () =>
        seconds(() => runProgram("bash", [peerScript], { timeout: 600_000 })),
      ),
    );
    await sweepLabelled("bench-plain");
  }
} finally {
  await sweepLabelled("bench-plain");
  await cli(["down", "--spec", specPath]).catch(() => undefined);
  await rm(stateDir, { recursive: true, force: true });
}
const summary = {
  ...result,
  median: {
    warmUpS: median(result.warmUpS),
    plainDockerS: median(result.plainDockerS),
    noChangeUpS: median(result.noChangeUpS),
    downS: median(result.downS),
  },
  ratioWarmUpToPlainDocker: median(result.warmUpS) / median(result.plainDockerS),
  goal: "ratio <= 2",
};
await writeFile(join(outDir, `up-${stamp}.json`), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(
  [
    `cold up (new sandbox, images built):  ${result.coldUpS.toFixed(1)} s`,
    `warm up (median of ${rounds}):          ${summary.median.warmUpS.toFixed(1)} s`,
    `plain docker run script (median):     ${summary.median.plainDockerS.toFixed(1)} s`,
    `ratio warm up / plain docker:         ${summary.ratioWarmUpToPlainDocker.toFixed(2)} (goal <= 2)`,
    `up with no change (median):           ${summary.median.noChangeUpS.toFixed(1)} s`,
    `down (median):                        ${summary.median.downS.toFixed(1)} s`,
    "",
  ].join("\n"),
);
