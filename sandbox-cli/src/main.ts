import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.ts";
import { ExitCode, isSandboxError } from "./errors.ts";
import { stateDir } from "./paths.ts";
import { asDiskFull, requireFreeSpace, STATE_ROOM_BYTES } from "./util/disk-space.ts";

/** Commands that write into the state folder: they check it has room before they start. */
const WRITES_STATE = new Set(["up", "loadtest", "nightly", "demo", "course install"]);

export function buildProgram(): Command {
  const program = new Command("sandbox")
    .description(
      "elearning-sandbox: try LMS and media servers in a private sandbox, install real courses,\n" +
        "load-test them over branch-office links and produce a promotion report for IT.",
    )
    .showHelpAfterError("(run with --help for usage and examples)")
    .exitOverride();
  registerCommands(program);
  program.hook("preAction", async (_program, action) => {
    const path = [action.parent?.parent ? action.parent.name() : "", action.name()].filter(Boolean).join(" ");
    if (WRITES_STATE.has(path)) await requireFreeSpace(stateDir(), STATE_ROOM_BYTES);
  });
  applyToEveryCommand(program, (command) =>
    command.exitOverride().showHelpAfterError("(run with --help for usage and examples)"),
  );
  return program;
}

function applyToEveryCommand(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const child of command.commands) applyToEveryCommand(child, apply);
}

/** Runs the CLI and returns the exit code; only the bin entry sets it on the process. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (error) {
    return reportError(error, wantsJson(argv));
  }
}

/** `--json` among the options (not after a `--`): errors then go to stdout as JSON too. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

const USAGE_HINT = "run the command with --help for its options and examples";
const BUG_HINT = "this is a bug in elearning-sandbox; please report it with the command you ran";

function reportError(thrown: unknown, json: boolean): number {
  const error = asDiskFull(thrown, stateDir()) ?? thrown;
  const printJson = (code: string, message: string, hint: string) => {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message, hint } }, null, 2)}\n`);
  };
  if (error instanceof CommanderError) {
    if (
      error.code === "commander.helpDisplayed" ||
      error.code === "commander.version" ||
      error.exitCode === 0
    ) {
      return ExitCode.ok;
    }
    // commander has printed its message on stderr already
    printJson("USAGE", error.message.replace(/^error: /, ""), USAGE_HINT);
    return ExitCode.usage;
  }
  if (isSandboxError(error)) {
    process.stderr.write(`error [${error.code}]: ${error.message}\n  fix: ${error.hint}\n`);
    if (process.env.SANDBOX_DEBUG && error.cause)
      process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
    printJson(error.code, error.message, error.hint);
    return error.exitCode;
  }
  process.stderr.write(`error [INTERNAL]: ${(error as Error)?.stack ?? String(error)}\n  fix: ${BUG_HINT}\n`);
  printJson("INTERNAL", (error as Error)?.message ?? String(error), BUG_HINT);
  return ExitCode.infrastructure;
}
