/**
 * The network interlock every request of the engine passes, whatever asked for it (a built-in scenario, a
 * playlist's variant or segment URI, a user's script): a URL goes out only when its host and port are on
 * the run's allow list. The check runs before any socket is opened, so a refused URL is never sent.
 */

/** Thrown in the VU (and so in a script) for a URL whose host:port the run does not allow. */
export class HostNotAllowedError extends Error {
  constructor(
    readonly hostPort: string,
    readonly url: string,
  ) {
    super(
      `request to ${hostPort} refused: it is not one of this run's hosts; load only the sandbox's own services, or allow a host you own with --allow-host ${hostPort}`,
    );
    this.name = "HostNotAllowedError";
  }
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** "host:port" of a URL, host lowercased, loopback names folded to 127.0.0.1, the scheme's port filled in. */
export function hostPortOf(url: URL): string {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const host = LOOPBACK_NAMES.has(url.hostname.toLowerCase()) ? "127.0.0.1" : url.hostname.toLowerCase();
  return `${host}:${port}`;
}

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** Parses "host:port" (as `--allow-host` takes it); throws a message naming the fix. */
export function parseHostPort(text: string): string {
  const match = HOST_PORT.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port >= 1 && port <= 65535)) {
    throw new Error(`"${text}" is not HOST:PORT: write e.g. 127.0.0.1:8080`);
  }
  return hostPortOf(new URL(`http://${match[1]}:${port}`));
}

/** The hosts a run may reach, as "host:port". */
export class HostAllowList {
  private readonly allowed: ReadonlySet<string>;

  constructor(hostPorts: Iterable<string>) {
    this.allowed = new Set([...hostPorts].map(parseHostPort));
  }

  /** The allow list of the origins of these base URLs (what the CLI checked belong to the sandbox). */
  static ofUrls(urls: Iterable<string>, extra: Iterable<string> = []): HostAllowList {
    return new HostAllowList([...[...urls].map((u) => hostPortOf(new URL(u))), ...extra]);
  }

  get hosts(): string[] {
    return [...this.allowed];
  }

  /** Throws HostNotAllowedError unless `url` is http(s) to an allowed host:port. */
  check(url: URL): void {
    const hostPort = hostPortOf(url);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || !this.allowed.has(hostPort)) {
      throw new HostNotAllowedError(hostPort, url.href);
    }
  }
}
