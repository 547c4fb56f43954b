import type { Command } from "commander";
import { demoCommand } from "./demo.ts";
import { doctorCommand } from "./doctor.ts";
import { setupCommand } from "./setup.ts";

/** Every command lives in its own file and is added here, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  for (const make of [setupCommand, doctorCommand, demoCommand]) program.addCommand(make());
}
