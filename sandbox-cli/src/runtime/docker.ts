import Docker from "dockerode";

export const dockerSocketPath = () => process.env.SANDBOX_DOCKER_SOCKET ?? "/var/run/docker.sock";

let client: Docker | undefined;

/** One dockerode client per process, talking to the Engine socket directly (no CLI involved). */
export function docker(): Docker {
  client ??= new Docker({ socketPath: dockerSocketPath() });
  return client;
}

/** The Engine's version when the daemon answers, else undefined. */
export async function dockerEngineVersion(timeoutMs = 3000): Promise<string | undefined> {
  try {
    const probe = new Docker({ socketPath: dockerSocketPath(), timeout: timeoutMs });
    const version = await probe.version();
    return version.Version;
  } catch {
    return undefined;
  }
}
