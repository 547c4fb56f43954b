import { createHash } from "node:crypto";
import { createServer } from "node:net";

export const PORT_RANGE = { first: 20_000, last: 29_999 } as const;

/** True when nothing listens on 127.0.0.1:port right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Where the search for a key's port starts: stable per sandbox and key, so ports rarely move between machines. */
export function preferredPort(sandbox: string, key: string): number {
  const span = PORT_RANGE.last - PORT_RANGE.first + 1;
  const digest = createHash("sha256").update(`${sandbox}/${key}`).digest();
  return PORT_RANGE.first + (digest.readUInt32BE(0) % span);
}

/**
 * Keeps the ports already allocated and finds a free one for each new key, skipping ports other
 * sandboxes hold (they may be down at the moment) and ports something else listens on.
 */
export async function allocatePorts(
  sandbox: string,
  keys: readonly string[],
  current: Readonly<Record<string, number>>,
  heldByOthers: ReadonlySet<number>,
  isFree: (port: number) => Promise<boolean> = portIsFree,
): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  const taken = new Set(heldByOthers);
  for (const key of keys) {
    const kept = current[key];
    if (kept !== undefined) {
      result[key] = kept;
      taken.add(kept);
    }
  }
  const span = PORT_RANGE.last - PORT_RANGE.first + 1;
  for (const key of keys) {
    if (result[key] !== undefined) continue;
    const start = preferredPort(sandbox, key);
    for (let step = 0; step < span; step++) {
      const port = PORT_RANGE.first + ((start - PORT_RANGE.first + step) % span);
      if (taken.has(port) || !(await isFree(port))) continue;
      result[key] = port;
      taken.add(port);
      break;
    }
    if (result[key] === undefined)
      throw new Error(`no free port on 127.0.0.1 between ${PORT_RANGE.first} and ${PORT_RANGE.last}`);
  }
  return result;
}
