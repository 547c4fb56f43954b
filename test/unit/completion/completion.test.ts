import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Argument, Command, Option } from "commander";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionScript, completionTree, SHELLS } from "../../../sandbox-cli/src/commands/completion.ts";
import { buildProgram } from "../../../sandbox-cli/src/main.ts";
import { hasProgram } from "../../../sandbox-cli/src/util/exec.ts";
import { type CliResult, runCli } from "../../helpers/cli.ts";

const commandNames = (command: Command): string[] =>
  command.commands.flatMap((sub) => [sub.name(), ...commandNames(sub)]);

/** A small tree with awkward text: quotes, `$`, backticks and a colon must reach the shell literally. */
function awkwardProgram(): Command {
  const program = new Command("toy").description("a toy");
  program
    .command("ship")
    .description("it's $HOME `whoami`: shipped")
    .addOption(new Option("--speed <s>", "how fast").choices(["slow", "fast"]))
    .option("--manifest <file>", "a file")
    .argument("[target]");
  const cloud = program.command("cloud").description("cloud things");
  cloud.command("login").description("log in").option("--json", "as JSON");
  program.command("shell").addArgument(new Argument("<kind>").choices(["bash", "zsh"]));
  return program;
}

/** zsh is not among the project's prerequisites: its checks run where it is installed. */
const zshInstalled = await hasProgram("zsh");
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "completion-"));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function scriptFile(program: Command, shell: (typeof SHELLS)[number]): Promise<string> {
  const path = join(work, `${program.name()}.${shell}`);
  await writeFile(path, completionScript(program, shell));
  return path;
}

/** Runs the bash completion function as bash would on <TAB>, returning the candidates. */
async function bashComplete(script: string, fn: string, words: string[]): Promise<string[]> {
  const body = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); ${fn}; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const { stdout } = await execa("bash", ["-c", body, "bash", script, ...words], { cwd: work });
  return stdout.split("\n").filter(Boolean);
}

/** Runs the zsh completion function with compsys's builtins replaced by printers. */
async function zshComplete(script: string, fn: string, words: string[]): Promise<string> {
  const body = [
    "compdef() { :; }",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh parameter expansion, not a template
    '_describe() { print -r -- "describe: ${(j:|:)${(P)4}}"; }',
    'compadd() { [[ $1 == -- ]] && shift; print -r -- "compadd: $*"; }',
    '_files() { print -r -- "files"; }',
    'source "$1"; shift',
    `words=("$@"); CURRENT=$#; ${fn}`,
  ].join("\n");
  const { stdout } = await execa("zsh", ["-f", "-c", body, "zsh", script, ...words], { cwd: work });
  return stdout;
}

describe("completion scripts from the real command tree", () => {
  const program = buildProgram();
  const names = commandNames(program);

  it("sees every registered command, including itself", () => {
    expect(names).toEqual(expect.arrayContaining(["setup", "doctor", "demo", "completion"]));
    const tree = completionTree(program);
    expect(tree.subcommands.map((s) => s.path.join("/"))).toEqual(
      expect.arrayContaining(program.commands.map((c) => c.name())),
    );
  });

  it.each(SHELLS)("the %s script names every registered command", (shell) => {
    const script = completionScript(program, shell);
    for (const name of names) expect(script).toMatch(new RegExp(`['/ ]${name}[' ]`));
  });

  it("the bash script parses and completes the top-level commands", async () => {
    const script = await scriptFile(program, "bash");
    await execa("bash", ["-n", script]);
    const top = await bashComplete(script, "_sandbox_complete", ["sandbox", ""]);
    expect(top).toEqual(expect.arrayContaining(program.commands.map((c) => c.name())));
    expect(await bashComplete(script, "_sandbox_complete", ["sandbox", "completion", ""])).toEqual([
      "bash",
      "zsh",
    ]);
    expect(await bashComplete(script, "_sandbox_complete", ["sandbox", "doctor", "--j"])).toEqual(["--json"]);
  });

  it.skipIf(!zshInstalled)("the zsh script parses and completes the top-level commands", async () => {
    const script = await scriptFile(program, "zsh");
    await execa("zsh", ["-n", script]);
    const top = await zshComplete(script, "_sandbox", ["sandbox", ""]);
    for (const command of program.commands) expect(top).toContain(`${command.name()}:`);
  });
});

describe("completion over an awkward tree", () => {
  const program = awkwardProgram();

  it("walks nested commands and skips option values", async () => {
    const script = await scriptFile(program, "bash");
    expect(await bashComplete(script, "_toy_complete", ["toy", "cloud", ""])).toEqual(["login", "help"]);
    expect(await bashComplete(script, "_toy_complete", ["toy", "cloud", "login", "--"])).toEqual([
      "--json",
      "--help",
    ]);
    expect(await bashComplete(script, "_toy_complete", ["toy", "ship", "--speed", ""])).toEqual([
      "slow",
      "fast",
    ]);
    expect(await bashComplete(script, "_toy_complete", ["toy", "shell", ""])).toEqual(["bash", "zsh"]);
    // "--manifest cloud" is an option's value, not the cloud command: still completing ship's options.
    expect(
      await bashComplete(script, "_toy_complete", ["toy", "ship", "--manifest", "cloud", "--s"]),
    ).toEqual(["--speed"]);
  });

  it("offers files where a command takes a path", async () => {
    await writeFile(join(work, "course.zip"), "");
    const script = await scriptFile(program, "bash");
    expect(await bashComplete(script, "_toy_complete", ["toy", "ship", "cou"])).toEqual(["course.zip"]);
    expect(await bashComplete(script, "_toy_complete", ["toy", "ship", "--manifest", "cou"])).toEqual([
      "course.zip",
    ]);
  });

  it.skipIf(!zshInstalled)("keeps quotes, $ and backticks literal in zsh descriptions", async () => {
    const script = await scriptFile(program, "zsh");
    await execa("zsh", ["-n", script]);
    expect(await zshComplete(script, "_toy", ["toy", ""])).toContain("ship:it's $HOME `whoami`: shipped");
    expect(await zshComplete(script, "_toy", ["toy", "ship", "--speed", ""])).toBe("compadd: slow fast");
    expect(await zshComplete(script, "_toy", ["toy", "ship", ""])).toBe("files");
  });
});

describe("sandbox completion (the CLI)", () => {
  // One separate node process per case, started together: each pays the CLI's start-up once.
  let bash: CliResult;
  let zshJson: CliResult;
  let fish: CliResult;
  let help: CliResult;
  beforeAll(async () => {
    [bash, zshJson, fish, help] = await Promise.all([
      runCli(["completion", "bash"]),
      runCli(["completion", "zsh", "--json"]),
      runCli(["completion", "fish"]),
      runCli(["completion", "--help"]),
    ]);
  }, 120_000);

  it("prints the bash script", () => {
    expect(bash.exitCode).toBe(0);
    expect(bash.stdout).toContain("complete -F _sandbox_complete sandbox");
    expect(bash.stdout).toContain("'completion'");
  });

  it("prints { shell, script } with --json", () => {
    expect(zshJson.exitCode).toBe(0);
    const parsed = JSON.parse(zshJson.stdout) as { shell: string; script: string };
    expect(parsed.shell).toBe("zsh");
    expect(parsed.script.startsWith("#compdef sandbox")).toBe(true);
  });

  it("names the shells it supports when given another (exit 2)", () => {
    expect(fish.exitCode).toBe(2);
    expect(fish.stderr).toContain("Allowed choices are bash, zsh");
  });

  it("shows examples in --help", () => {
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("source <(npx sandbox completion bash)");
  });
});
