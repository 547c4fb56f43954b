import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

// The real CLI (a node process per case) under random flag sets and random or damaged spec files. Every
// case ends in exit 0, 2 (usage or input) or 3 (the Docker daemon does not answer: the socket points at
// nothing, so no case can reach a real sandbox), with "error [CODE]: ... fix: ..." and never a stack trace.
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sandbox-fuzz-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const VALID = [
  "name: fuzz-cli",
  "owner: fuzz@example.com",
  "ttl: 1h",
  "candidates:",
  "  - catalog: reference-lms",
  "  - catalog: media-nginx",
  "sites:",
  "  - { name: branch, profile: small-branch, learners: 10 }",
  "load: { peakLearners: 4, rampUp: 2s, duration: 12s }",
  "",
].join("\n");

/** the spec text: valid, cut short, a line dropped or doubled, or a value replaced. */
const specText = fc.oneof(
  fc.constant(VALID),
  fc.nat({ max: VALID.length }).map((n) => VALID.slice(0, n)),
  fc.nat({ max: 9 }).map((i) =>
    VALID.split("\n")
      .filter((_, j) => j !== i)
      .join("\n"),
  ),
  fc.nat({ max: 9 }).map((i) =>
    VALID.split("\n")
      .flatMap((l, j) => (j === i ? [l, l] : [l]))
      .join("\n"),
  ),
  fc
    .tuple(fc.constantFrom("fuzz-cli", "1h", "4", "2s", "12s", "branch", "10"), fc.string({ maxLength: 6 }))
    .map(([from, to]) => VALID.replace(from, to)),
  fc.string({ maxLength: 80 }),
);

const value = fc.oneof(
  fc.constantFrom("0", "1", "-3", "20", "abc", "30s", "2m", "", "local", "containers", "branch", "nowhere"),
  fc.string({ maxLength: 8 }),
);
const flag = fc.oneof(
  fc.tuple(
    fc.constantFrom(
      "--learners",
      "--ramp",
      "--duration",
      "--runners",
      "--site",
      "--mode",
      "--course",
      "--rendition",
      "--allow-host",
      "--name",
      "--media",
      "--upgrade-mbps",
      "--target",
      "--from",
      "--no-such-flag",
    ),
    value,
  ),
  fc.constantFrom(["--json"], ["--find-capacity"], ["--i-own-this-target"], ["--force"], ["--bogus"]),
);
const command = fc.constantFrom(
  ["up"],
  ["status"],
  ["down"],
  ["loadtest"],
  ["capacity"],
  ["report"],
  ["course", "inspect"],
  ["init"],
  ["list"],
  ["gc"],
  ["no-such-command"],
);
const caseArb = fc.record({
  command,
  withSpec: fc.boolean(),
  spec: specText,
  flags: fc.array(flag, { maxLength: 4 }),
});

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

describe("the CLI under random flags and specs", () => {
  it("ends every case in exit 0, 2 or 3 with a named error, never a stack trace", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ command, withSpec, spec, flags }) => {
        const file = join(dir, `case-${n++}.yaml`);
        await writeFile(file, spec);
        const args = [...command, ...(withSpec ? ["--spec", file] : []), ...flags.flat()];
        const run = await runCli(args, {
          cwd: dir,
          env: { SANDBOX_STATE_DIR: join(dir, "state"), SANDBOX_DOCKER_SOCKET: join(dir, "no-docker.sock") },
          timeoutMs: 60_000,
        });
        const said = `sandbox ${args.join(" ")}\nexit ${run.exitCode}\n${run.stderr}`;
        expect([0, 2, 3], said).toContain(run.exitCode);
        expect(run.stderr, said).not.toContain("error [INTERNAL]");
        expect(STACK_LINE.test(run.stderr), said).toBe(false);
        if (run.exitCode !== 0 && run.stderr.includes("error [")) expect(run.stderr, said).toContain("fix: ");
        if (run.exitCode === 2 && withSpec && /^error \[SPEC_/m.test(run.stderr))
          expect(run.stderr, said).toContain(file);
      }),
      { numRuns: 30, endOnFailure: true },
    );
  }, 600_000);
});
