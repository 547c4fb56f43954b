import type { Command } from "commander";
import { capacityCommand } from "./capacity.ts";
import { completionCommand } from "./completion.ts";
import { courseCommand } from "./course.ts";
import { demoCommand } from "./demo.ts";
import { doctorCommand } from "./doctor.ts";
import { imagesCommand } from "./images.ts";
import { initCommand } from "./init.ts";
import { downCommand, gcCommand, listCommand, statusCommand, upCommand } from "./lifecycle.ts";
import { loadtestCommand } from "./loadtest.ts";
import { lrsCommand } from "./lrs.ts";
import { nightlyCommand } from "./nightly.ts";
import { reportCommand } from "./report.ts";
import { setupCommand } from "./setup.ts";

/** Every command lives in its own file and is added here, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  for (const make of [
    setupCommand,
    doctorCommand,
    initCommand,
    upCommand,
    statusCommand,
    listCommand,
    downCommand,
    gcCommand,
    imagesCommand,
    courseCommand,
    lrsCommand,
    loadtestCommand,
    capacityCommand,
    reportCommand,
    nightlyCommand,
    demoCommand,
    completionCommand,
  ])
    program.addCommand(make());
}
