import * as pulumi from "@pulumi/pulumi";
import { DockerSandbox } from "./components.ts";
import type { DockerSandboxInput } from "./plan.ts";

/** Stack config key (project namespace) holding the generated secrets: `{ <candidate>: { <name>: value } }`. */
export const SECRETS_CONFIG_KEY = "secrets";

/** The docker target's Pulumi program for one sandbox; the engine runs it inline, stacks/index.ts from the CLI. */
export function dockerSandboxProgram(input: DockerSandboxInput) {
  return async () => {
    const config = new pulumi.Config();
    const secrets = config.getSecretObject<Record<string, Record<string, string>>>(SECRETS_CONFIG_KEY) ?? {};
    const sandbox = new DockerSandbox(input.name, { input, secrets });
    return {
      sandbox: input.name,
      owner: input.owner,
      expiresAt: input.expiresAt,
      endpoints: sandbox.endpoints,
      containerIds: sandbox.containerIds,
    };
  };
}
