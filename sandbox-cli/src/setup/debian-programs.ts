import { DEBIAN_PROGRAMS } from "../toolchain.ts";
import { hasProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { aptInstall } from "./apt.ts";

/** Installs the Debian package of every program in DEBIAN_PROGRAMS that is not on PATH. */
export async function ensureDebianPrograms(log: Logger): Promise<{ installed: string[] }> {
  const missing = new Set<string>();
  for (const [program, pkg] of Object.entries(DEBIAN_PROGRAMS)) {
    if (!(await hasProgram(program))) missing.add(pkg);
  }
  if (missing.size === 0) {
    log.info(`Debian programs present: ${Object.keys(DEBIAN_PROGRAMS).join(", ")}`);
    return { installed: [] };
  }
  const packages = [...missing].sort();
  await aptInstall(packages, log, "programs the sandbox drives");
  return { installed: packages };
}
