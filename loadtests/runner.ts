import { writeFileSync } from "node:fs";
import { ConfigError, configFromEnv } from "./lib/config.ts";
import { runFromConfig } from "./lib/run-config.ts";

/**
 * The runner process: `node runner.mjs` with LOAD_CONFIG or LOAD_CONFIG_FILE (see lib/config.ts).
 * Exit 0 when the plan ran (whatever the results), 2 on a bad configuration, 4 when the run broke.
 */
async function main(): Promise<number> {
  let config: ReturnType<typeof configFromEnv>;
  try {
    config = configFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`load-runner: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  let errorsShown = 0;
  const summary = await runFromConfig(config, (scenario, vu, error) => {
    if (errorsShown++ < 20)
      process.stderr.write(`load-runner: ${scenario} vu ${vu}: ${(error as Error)?.message ?? error}\n`);
  });
  const text = `${JSON.stringify(summary)}\n`;
  if (config.summaryPath) writeFileSync(config.summaryPath, text);
  else process.stdout.write(text);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`load-runner: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 4;
  },
);
