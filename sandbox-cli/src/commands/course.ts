import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_INTAKE_CAPS } from "../course/intake-caps.ts";
import type { IntakeOptions } from "../course/profile.ts";
import { ExitCode } from "../errors.ts";
import { printJson } from "../util/log.ts";
import { courseInstallCommand } from "./course-install.ts";

interface IntakeFlags {
  json?: boolean;
  maxEntries?: number;
  maxBytes?: number;
  maxRatio?: number;
  probeMedia?: boolean;
}

/** `sandbox course inspect|validate <zip|dir>`: course intake, before anything is installed. */
export function courseCommand(): Command {
  const course = new Command("course")
    .description("course intake: inspect, validate and install a course package")
    .exitOverride();
  course.addCommand(
    withIntakeOptions(new Command("inspect"))
      .description(
        "analyse a course zip or folder: format, launches, files, media, external hosts, findings (exit 0 when it could be analysed)",
      )
      .addHelpText(
        "after",
        "\nExamples:\n  $ npx sandbox course inspect course.zip\n  $ npx sandbox course inspect ./unpacked-course --json | jq '.estimatedPeakMbps'",
      )
      .action(async (input: string, flags: IntakeFlags) => {
        const { profile, renderProfile } = await intake(input, flags);
        if (flags.json) printJson(profile);
        else process.stdout.write(`${renderProfile(profile)}\n`);
      }),
  );
  course.addCommand(
    withIntakeOptions(new Command("validate"))
      .description("the same analysis as inspect; exit 1 when any error finding exists")
      .addHelpText(
        "after",
        "\nExamples:\n  $ npx sandbox course validate course.zip && echo ready\n  $ npx sandbox course validate course.zip --json | jq '.findings[] | select(.severity == \"error\")'",
      )
      .action(async (input: string, flags: IntakeFlags) => {
        const { profile, renderProfile } = await intake(input, flags);
        if (flags.json) printJson(profile);
        else process.stdout.write(`${renderProfile(profile)}\n`);
        if (!profile.valid) process.exitCode = ExitCode.checkFailed;
      }),
  );
  course.addCommand(courseInstallCommand());
  return course;
}

function withIntakeOptions(command: Command): Command {
  // addCommand() does not pass the parent's exitOverride on: without it commander exits 1 itself
  return command
    .exitOverride()
    .showHelpAfterError("(run with --help for usage and examples)")
    .argument("<zip|dir>", "course package: a .zip file or an unpacked folder")
    .option("--json", "print the CourseProfile as JSON on stdout")
    .option(
      "--max-entries <n>",
      `refuse to look past this many entries (default ${DEFAULT_INTAKE_CAPS.maxEntries})`,
      positiveNumber("--max-entries"),
    )
    .option(
      "--max-bytes <n>",
      `cap on total uncompressed bytes (default ${DEFAULT_INTAKE_CAPS.maxUncompressedBytes})`,
      positiveNumber("--max-bytes"),
    )
    .option(
      "--max-ratio <n>",
      `cap on an entry's compression ratio (default ${DEFAULT_INTAKE_CAPS.maxCompressionRatio})`,
      positiveNumber("--max-ratio"),
    )
    .option("--no-probe-media", "skip ffprobe (media durations and bitrates stay unknown)");
}

// Loaded on use: the intake (zip reader, XML parser, zod schemas) is not needed to define the commands.
async function intake(input: string, flags: IntakeFlags) {
  const [{ inspectCourse }, { renderProfile }] = await Promise.all([
    import("../course/index.ts"),
    import("../course/render.ts"),
  ]);
  return { profile: await inspectCourse(input, intakeOptions(flags)), renderProfile };
}

function intakeOptions(flags: IntakeFlags): IntakeOptions {
  const options: IntakeOptions = {};
  if (flags.maxEntries !== undefined) options.maxEntries = flags.maxEntries;
  if (flags.maxBytes !== undefined) options.maxUncompressedBytes = flags.maxBytes;
  if (flags.maxRatio !== undefined) options.maxCompressionRatio = flags.maxRatio;
  if (flags.probeMedia === false) options.probeMedia = false;
  return options;
}

function positiveNumber(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(number > 0))
      throw new InvalidArgumentError(`${flag} needs a positive number, got "${value}"`);
    return flag === "--max-ratio" ? number : Math.floor(number);
  };
}
