import { DockerSandbox } from "./components.ts";
import type { DockerSandboxInput } from "./plan.ts";

/**
 * The docker target's Pulumi program for one sandbox; the engine runs it inline (Automation API).
 * `providerModule`: see DockerSandboxArgs.
 */
export function dockerSandboxProgram(input: DockerSandboxInput, providerModule: string) {
  return async () => {
    const sandbox = new DockerSandbox(input.name, { input, providerModule });
    return {
      sandbox: input.name,
      owner: input.owner,
      expiresAt: input.expiresAt,
      endpoints: sandbox.endpoints,
      containerIds: sandbox.containerIds,
      /** generated passwords per candidate (e.g. the LMS admin password), a Pulumi secret. */
      secrets: sandbox.secrets,
    };
  };
}
