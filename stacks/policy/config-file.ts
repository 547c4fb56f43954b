import { readFileSync } from "node:fs";

/** The environment variable naming IT's policy settings (a JSON file, see config.ts). */
export const POLICY_CONFIG_ENV = "SANDBOX_POLICY_CONFIG";

/**
 * IT's policy settings as the pack and the report both read them: the JSON file $SANDBOX_POLICY_CONFIG
 * names, or {} (every rule mandatory, the default registry) when it is not set.
 */
export function readItPolicyConfigInput(env: NodeJS.ProcessEnv = process.env): unknown {
  const file = env[POLICY_CONFIG_ENV];
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(
      `${POLICY_CONFIG_ENV}=${file} cannot be read as JSON (${(error as Error).message}): point it at IT's policy settings file or unset it`,
      { cause: error },
    );
  }
}
