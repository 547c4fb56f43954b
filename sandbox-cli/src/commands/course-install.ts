import { Command } from "commander";
import { createLogger, printJson } from "../util/log.ts";

/** `sandbox course install <zip|dir>`: into the sandbox's LMS candidates, and its video onto the media server. */
export function courseInstallCommand(): Command {
  return new Command("install")
    .description(
      "install a course into the sandbox's LMS candidates and publish its video as HLS on its media server",
    )
    .argument("<zip|dir>", "course package: a .zip file or an unpacked folder")
    .option(
      "--candidate <name...>",
      "only these candidates (default: every LMS and media server of the sandbox)",
    )
    .option("--spec <file>", "the sandbox spec (default sandbox.yaml)")
    .option("--name <name>", "the sandbox name instead of a spec")
    .option("--json", "print the install result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox course install course.zip\n  $ npx sandbox course install course.zip --candidate reference-lms --spec bakeoff.yaml --json",
    )
    .action(
      async (
        input: string,
        options: { candidate?: string[]; spec?: string; name?: string; json?: boolean },
      ) => {
        const [{ installCourse }, { sandboxNameFrom }] = await Promise.all([
          import("../install/course-install.ts"),
          import("../engine/select.ts"),
        ]);
        const log = createLogger();
        const sandbox = await sandboxNameFrom(options);
        const result = await installCourse(
          { sandbox, coursePath: input, ...(options.candidate ? { candidates: options.candidate } : {}) },
          log,
        );
        if (options.json) {
          const { profile: _profile, ...summary } = result;
          printJson(summary);
          return;
        }
        const lines = [
          `installed "${result.course.title}" (${result.course.format}) into sandbox ${sandbox}:`,
        ];
        for (const lms of result.lms)
          lines.push(`  ${lms.candidate}: course ${lms.courseId}  ${lms.launchUrl}`);
        for (const media of result.media) {
          const ladder = media.renditions
            .map((r) => `${r.rendition} ${Math.round(r.peakKbps)} kbit/s peak`)
            .join(", ");
          lines.push(`  ${media.candidate}: ${media.masterUrl}  (${ladder})`);
        }
        process.stdout.write(`${lines.join("\n")}\n`);
      },
    );
}
