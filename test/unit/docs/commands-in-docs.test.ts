import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildProgram } from "../../../sandbox-cli/src/main.ts";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { loadSpecFile } from "../../../sandbox-cli/src/sandbox-spec/index.ts";

/** Words of one shell command line, quotes removed; stops at a redirection, pipe or `||`. */
function shellWords(line: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? match[3] ?? "";
    if (match[3] !== undefined && /^(>|>>|\||\|\||&&|;|2>)/.test(word)) break;
    words.push(word.replace(/\$\{?([A-Z_]+)\}?/g, (_, name: string) => env[name] ?? `$${name}`));
  }
  return words;
}

/**
 * Parses `argv` with the real CLI definition, every action replaced by a no-op: unknown commands and
 * options, missing required options and bad option values fail exactly as they would for a user.
 */
async function dryRun(argv: readonly string[]): Promise<Command> {
  const program = buildProgram();
  let ran: Command | undefined;
  const stub = (command: Command) => {
    command.action(() => {
      ran = command;
    });
    command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    for (const child of command.commands) stub(child);
  };
  stub(program);
  await program.parseAsync(["node", "sandbox", ...argv]);
  if (!ran) throw new Error(`no command ran for: sandbox ${argv.join(" ")}`);
  return ran;
}

describe(".github/workflows/nightly-sandbox.yml", () => {
  it("every `npx sandbox ...` line parses against the CLI, with specs that load", async () => {
    const workflow = parse(
      await readFile(join(projectRoot, ".github", "workflows", "nightly-sandbox.yml"), "utf8"),
    ) as { jobs: { nightly: { steps: { run?: string; with?: Record<string, string> }[] } } };
    const steps = workflow.jobs.nightly.steps;
    const env = { SPEC: "examples/docker-quickstart.yaml" };
    const lines = steps
      .flatMap((step) => (step.run ?? "").split("\n"))
      .filter((line) => line.includes("npx sandbox "))
      .map((line) => shellWords(line.slice(line.indexOf("npx sandbox ") + "npx sandbox ".length), env));
    expect(lines.map((words) => words[0])).toEqual(["setup", "doctor", "nightly", "down", "gc"]);
    for (const words of lines) {
      const command = await dryRun(words);
      const spec = command.opts().spec as string | undefined;
      if (spec) await loadSpecFile(join(projectRoot, spec));
    }
    // the report folder the later steps publish is the one the nightly line writes
    const nightly = lines.find((words) => words[0] === "nightly") as string[];
    const out = nightly[nightly.indexOf("--out") + 1] as string;
    const published = steps.flatMap((step) => Object.values(step.with ?? {})).join("\n");
    expect(published).toContain(`${out}/`);
  });

  it("the dry run does fail on an option a command does not have", async () => {
    await expect(dryRun(["gc", "--spec", "x.yaml"])).rejects.toThrow(/unknown option '--spec'/);
    await expect(dryRun(["nightly", "--spec", "x.yaml", "--target", "kubernetes"])).rejects.toThrow(
      /unknown option '--target'/,
    );
  });
});

describe("README.md commands table", () => {
  it("names only commands and options that exist (options at a row's end apply to each command in it)", async () => {
    const readme = await readFile(join(projectRoot, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("## Commands"), readme.indexOf("Every command has `--help`"));
    const rows = [...table.matchAll(/^\| `sandbox ([^`]+)`/gm)].map((m) =>
      (m[1] as string).replace(/\\\|/g, "|"),
    );
    expect(rows.length).toBeGreaterThan(10);
    const program = buildProgram();
    const topLevel = new Set(program.commands.map((c) => c.name()));
    for (const row of rows) {
      const segments = row.split(" / ").map((segment) => segment.trim());
      const lastOptions = optionsIn(segments.at(-1) as string);
      let siblingsOf: Command = program;
      for (const segment of segments) {
        const words = segment.split(/\s+/).filter((w) => /^[a-z][a-z-]*$/.test(w));
        let command = topLevel.has(words[0] as string) ? program : siblingsOf;
        for (const word of words) {
          const next = command.commands.find((c) => c.name() === word);
          if (!next) break;
          siblingsOf = command;
          command = next;
        }
        expect(command, `${row}: "${segment}"`).not.toBe(program);
        const known = new Set(command.options.map((o) => o.long));
        for (const option of new Set([...optionsIn(segment), ...lastOptions]))
          expect(known.has(option), `${row}: sandbox ${command.name()} has no ${option}`).toBe(true);
      }
    }
  });
});

const optionsIn = (text: string) => [...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);

it("the examples the help texts and the workflow name exist", () => {
  for (const spec of ["docker-quickstart.yaml", "kubernetes-bakeoff.yaml", "branch-offices.yaml"])
    expect(existsSync(join(projectRoot, "examples", spec)), spec).toBe(true);
});
