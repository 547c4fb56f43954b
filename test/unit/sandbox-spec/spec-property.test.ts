import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { type LoadtestFlags, parseLoadtestFlags } from "../../../sandbox-cli/src/loadtest/options.ts";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/load-spec.ts";

// Random and mutated sandbox.yaml files and loadtest flag sets: each is accepted, or refused with a
// usage error (exit 2) whose message names the file and, per problem, the field. Anything else
// (a TypeError, a zod error escaping) would reach the user as a stack trace.
const LABEL = "specs/fuzzed.yaml";
const examples = ["docker-quickstart.yaml", "branch-offices.yaml", "kubernetes-bakeoff.yaml"].map(
  (file) => parse(readFileSync(join(projectRoot, "examples", file), "utf8")) as unknown,
);

type Json = unknown;
type Path = (string | number)[];

/** Every path into a plain JSON value (objects and arrays), the root included. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  const own: Path[] = [prefix];
  if (Array.isArray(value)) return own.concat(value.flatMap((v, i) => pathsOf(v, [...prefix, i])));
  if (value && typeof value === "object")
    return own.concat(Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k])));
  return own;
}

type Mutation =
  | { op: "delete" }
  | { op: "set"; value: Json }
  | { op: "rename"; suffix: string }
  | { op: "wrap" }
  | { op: "stringify" };

function mutate(root: Json, path: Path, mutation: Mutation): Json {
  if (path.length === 0) return mutation.op === "set" ? mutation.value : root;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, Json>;
  const key = path[path.length - 1] as string | number;
  const current = parent[key];
  if (mutation.op === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (mutation.op === "set") parent[key] = mutation.value;
  else if (mutation.op === "wrap") parent[key] = [current];
  else if (mutation.op === "stringify") parent[key] = JSON.stringify(current ?? null);
  else if (!Array.isArray(parent)) {
    delete parent[key];
    parent[`${String(key)}${mutation.suffix}`] = current;
  }
  return copy;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant({ op: "delete" as const }),
  fc.record({ op: fc.constant("set" as const), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    op: fc.constant("set" as const),
    value: fc.constantFrom(-1, 0, 1.5, 1e9, "", "10x", "5m", "-3s", "reference-lms", true, null),
  }),
  fc.record({ op: fc.constant("rename" as const), suffix: fc.string({ minLength: 1, maxLength: 3 }) }),
  fc.constant({ op: "wrap" as const }),
  fc.constant({ op: "stringify" as const }),
);

/** A spec text from an example with 1-4 random mutations. */
const mutatedSpec = fc
  .tuple(
    fc.constantFrom(...examples),
    fc.array(fc.tuple(fc.nat(), mutationArb), { minLength: 1, maxLength: 4 }),
  )
  .map(([example, steps]) =>
    stringify(
      steps.reduce<Json>((spec, [pick, mutation]) => {
        const paths = pathsOf(spec);
        return mutate(spec, paths[pick % paths.length] as Path, mutation);
      }, example),
    ),
  );

/** Raw text damage: bytes inserted, cut or swapped anywhere in an example's YAML. */
const damagedText = fc
  .tuple(
    fc.constantFrom(...examples.map((e) => stringify(e))),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 6 })), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([text, edits]) =>
    edits.reduce((t, [at, cut, insert]) => {
      const i = at % (t.length + 1);
      return t.slice(0, i) + insert + t.slice(i + cut);
    }, text),
  );

function expectAcceptedOrUsageError(text: string): void {
  try {
    parseSpecText(text, LABEL);
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(LABEL);
    expect(error.hint.length).toBeGreaterThan(0);
    if (error.code === "SPEC_INVALID") {
      const problems = error.message.split("\n").slice(1);
      expect(problems.length).toBeGreaterThan(0);
      // "  - load.peakLearners: must be >= 1 (line 12)": each problem starts with the field's path
      for (const line of problems)
        expect(line).toMatch(/^ {2}- (\(top level\)|[A-Za-z$][^:\s]*)( \(line \d+\))?:/);
    }
  }
}

describe("spec loader under random and mutated sandbox.yaml files", () => {
  it("accepts the examples unchanged", () => {
    for (const example of examples) expect(() => parseSpecText(stringify(example), LABEL)).not.toThrow();
  });

  it("mutated specs: accepted, or refused naming the file and each field's path (exit 2)", () => {
    fc.assert(fc.property(mutatedSpec, expectAcceptedOrUsageError), { numRuns: 400 });
  });

  it("damaged YAML text: accepted, or refused naming the file (exit 2)", () => {
    fc.assert(fc.property(damagedText, expectAcceptedOrUsageError), { numRuns: 400 });
  });

  it("arbitrary text and YAML values: never anything but a usage error", () => {
    const anyYaml = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((v) => stringify(v)),
    );
    // "*-" is an alias to a missing anchor: the YAML parser accepts it and resolving it threw a ReferenceError
    fc.assert(fc.property(anyYaml, expectAcceptedOrUsageError), {
      numRuns: 300,
      examples: [["*-"], ["a: &x [*x]"], ["name: *n"]],
    });
  });
});

const FLAG_NAMES: Record<keyof LoadtestFlags, string> = {
  spec: "--spec",
  learners: "--learners",
  ramp: "--ramp",
  duration: "--duration",
  runners: "--runners",
  site: "--site",
  mode: "--mode",
  course: "--course",
  targetUrl: "--target-url",
  iOwnThisTarget: "--i-own-this-target",
  findCapacity: "--find-capacity",
  rendition: "--rendition",
  allowHost: "--allow-host",
  script: "--script",
  env: "--env",
  out: "--out",
  summaryExport: "--summary-export",
  json: "--json",
};

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "",
    "0",
    "20",
    "-1",
    "1.5",
    "30s",
    "2m",
    "5x",
    "local",
    "containers",
    "http://127.0.0.1:8080",
  ),
);
const flagsArb: fc.Arbitrary<LoadtestFlags> = fc.record(
  {
    spec: text,
    learners: text,
    ramp: text,
    duration: text,
    runners: text,
    site: text,
    mode: text,
    course: text,
    targetUrl: text,
    iOwnThisTarget: fc.boolean(),
    findCapacity: fc.boolean(),
    rendition: text,
    allowHost: fc.array(fc.oneof(text, fc.constantFrom("127.0.0.1:8080", "[::1]:9", "host:0")), {
      maxLength: 2,
    }),
    json: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe("loadtest flags under random flag sets", () => {
  it("accepted, or refused with exit 2 naming the flag at fault", () => {
    fc.assert(
      fc.property(flagsArb, (flags) => {
        try {
          parseLoadtestFlags(flags);
        } catch (error) {
          if (!isSandboxError(error)) throw error;
          expect(error.exitCode).toBe(2);
          const named = Object.entries(FLAG_NAMES)
            .filter(([key]) => key in flags)
            .some(([, flag]) => error.message.includes(flag));
          expect(named, error.message).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
