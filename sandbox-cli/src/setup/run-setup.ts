import type { Logger } from "../util/log.ts";
import { ensureBaseImage } from "./base-image.ts";
import { ensureDebianPrograms } from "./debian-programs.ts";
import { ensureDockerEngine } from "./docker-engine.ts";
import { ensurePulumiCli } from "./pulumi-cli.ts";

export interface SetupSummary {
  debianPackagesInstalled: string[];
  docker: { version: string; started: boolean };
  pulumi: { version: string; source: string };
  baseImage: { image: string; rebuilt: boolean };
}

/** The whole machine setup, in order; each step is idempotent and says what it did and why. */
export async function runSetup(log: Logger): Promise<SetupSummary> {
  const programs = await ensureDebianPrograms(log);
  const dockerEngine = await ensureDockerEngine(log);
  const pulumi = await ensurePulumiCli(log);
  const baseImage = await ensureBaseImage(log);
  return { debianPackagesInstalled: programs.installed, docker: dockerEngine, pulumi, baseImage };
}
