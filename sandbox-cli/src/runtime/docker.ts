import Docker from "dockerode";

export const dockerSocketPath = () => process.env.SANDBOX_DOCKER_SOCKET ?? "/var/run/docker.sock";

let client: { socket: string; docker: Docker } | undefined;

/** One dockerode client per process and socket, talking to the Engine socket directly (no CLI involved). */
export function docker(): Docker {
  const socket = dockerSocketPath();
  if (client?.socket !== socket) client = { socket, docker: new Docker({ socketPath: socket }) };
  return client.docker;
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
