import { Command } from "commander";
import type { WhatIf } from "../capacity/model.ts";
import { usageError } from "../errors.ts";
import { printJson } from "../util/log.ts";

// Built on use: zod is not needed to define the command.
const optionsSchema = async () => {
  const { z } = await import("zod");
  return z.object({
    spec: z.string().min(1),
    media: z.string({ error: "--media is required" }).min(1),
    lmsDownKbps: z.coerce.number({ error: "--lms-down-kbps must be a number" }).min(0).default(0),
    lmsUpKbps: z.coerce.number({ error: "--lms-up-kbps must be a number" }).min(0).default(0),
    upgradeMbps: z.coerce.number({ error: "--upgrade-mbps must be a number" }).positive().optional(),
    json: z.boolean().optional(),
  });
};

export function capacityCommand(): Command {
  return new Command("capacity")
    .description(
      "predict how many learners each site's link carries, from the packaged media's measured peak bitrates",
    )
    .option("--spec <file>", "the sandbox spec with its sites and policy", "sandbox.yaml")
    .option("--media <dir>", "the course's HLS folder (master and media playlists with their segments)")
    .option(
      "--lms-down-kbps <n>",
      "LMS traffic per learner towards the site, kbit/s (from a learner-journey run)",
    )
    .option("--lms-up-kbps <n>", "LMS traffic per learner towards the sandbox, kbit/s")
    .option(
      "--upgrade-mbps <n>",
      "what-if: a proposed downlink for every site (default: each site's downlink doubled)",
    )
    .option("--json", "print the CapacityResult as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox capacity --spec sandbox.yaml --media ./hls\n  $ npx sandbox capacity --media ./hls --lms-down-kbps 40 --upgrade-mbps 50 --json | jq '.sites[] | {site, predictedNMax}'",
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = (await optionsSchema()).safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw usageError(
          "CAPACITY_BAD_OPTION",
          issue?.message ?? "invalid options",
          "see `sandbox capacity --help`",
        );
      }
      const options = parsed.data;
      const [{ measureHlsFolder }, { capacityResult }, { renderCapacity }, { loadSpecFile }] =
        await Promise.all([
          import("../media/measure-folder.ts"),
          import("../capacity/model.ts"),
          import("../capacity/render.ts"),
          import("../sandbox-spec/load-spec.ts"),
        ]);
      const loaded = await loadSpecFile(options.spec);
      if (loaded.sites.length === 0) {
        throw usageError(
          "CAPACITY_NO_SITES",
          `${options.spec} lists no sites`,
          "add sites (name, profile or downlinkMbps, learners) to the spec; `sandbox init` shows an example",
        );
      }
      const media = await measureHlsFolder(options.media);
      const result = capacityResult(loaded.sites, media, {
        overhead: loaded.spec.policy.mediaOverhead,
        lms: { downKbps: options.lmsDownKbps, upKbps: options.lmsUpKbps },
        ...(options.upgradeMbps === undefined
          ? {}
          : {
              whatIfs: [
                { kind: "link", downlinkMbps: options.upgradeMbps },
                { kind: "drop-top-rendition" },
              ] satisfies WhatIf[],
            }),
      });
      if (options.json) printJson(result);
      else process.stdout.write(`${renderCapacity(result)}\n`);
    });
}
