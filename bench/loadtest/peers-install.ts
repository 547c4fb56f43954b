import { existsSync } from "node:fs";
import { join } from "node:path";
import { runProgram } from "../../sandbox-cli/src/util/exec.ts";

/**
 * autocannon and Artillery, the bench's peers, are the dev dependencies of bench/loadtest/peers/package.json
 * (pinned by its own lock file), installed there by the bench on first use, not by the project's `npm ci`:
 * Artillery brings its cloud SDKs (hundreds of MB the project never uses), and its Playwright engine downloads
 * a browser at install time, which fails on a machine with no route to the browser host. `--ignore-scripts`
 * skips that download; the bench only sends plain HTTP. Artillery 2.0.21 is the last release that runs on Node 20.
 */
const folder = join(import.meta.dirname, "peers");

export async function ensurePeers(): Promise<{ autocannon: string; artillery: string }> {
  const entries = {
    autocannon: join(folder, "node_modules", "autocannon", "autocannon.js"),
    artillery: join(folder, "node_modules", "artillery", "bin", "run"),
  };
  if (!existsSync(entries.autocannon) || !existsSync(entries.artillery)) {
    console.error(
      "installing the bench's peers (autocannon, Artillery) into bench/loadtest/peers: first run only",
    );
    await runProgram("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: folder,
      timeout: 900_000,
      installHint: "install Node.js with npm (npm ci installs the peers)",
    });
  }
  return entries;
}
