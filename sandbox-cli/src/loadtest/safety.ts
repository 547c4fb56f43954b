import { usageError } from "../errors.ts";

/** What the sandbox owns, as docker reports it (labels and published ports of its containers). */
export interface OwnedEndpoints {
  readonly sandbox: string;
  /** host ports published on 127.0.0.1 by containers labelled sandbox.name=<sandbox>. */
  readonly loopbackPorts: readonly number[];
  /** hostnames of its containers (names, network aliases, site gateway aliases) on its own networks. */
  readonly hostnames: readonly string[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The safety interlock: every URL the learners will hit must belong to the sandbox (a published loopback
 * port or one of its own hostnames). Anything else is refused (exit 2) unless the user named it with
 * --target-url and confirmed with --i-own-this-target.
 */
export function checkTargets(
  urls: readonly string[],
  owned: OwnedEndpoints,
  explicit: { targetUrl?: string; iOwnThisTarget?: boolean } = {},
): void {
  if (explicit.targetUrl !== undefined && !explicit.iOwnThisTarget) {
    throw usageError(
      "LOAD_TARGET_NOT_CONFIRMED",
      `--target-url ${explicit.targetUrl} points the load at a server outside the sandbox`,
      "add --i-own-this-target to confirm that you own it and may load it, or leave --target-url out to load the sandbox",
    );
  }
  for (const text of urls) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw usageError(
        "LOAD_BAD_TARGET_URL",
        `"${text}" is not a URL`,
        "pass e.g. --target-url http://127.0.0.1:8080",
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw usageError(
        "LOAD_BAD_TARGET_URL",
        `"${text}" is not an http(s) URL`,
        "pass e.g. --target-url http://127.0.0.1:8080",
      );
    }
    if (
      explicit.targetUrl !== undefined &&
      explicit.iOwnThisTarget &&
      new URL(explicit.targetUrl).origin === url.origin
    )
      continue;
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const ownedLoopback = LOOPBACK.has(url.hostname) && owned.loopbackPorts.includes(port);
    const ownedHost = owned.hostnames.includes(url.hostname);
    if (!ownedLoopback && !ownedHost) {
      throw usageError(
        "LOAD_TARGET_NOT_OWNED",
        `${url.origin} does not belong to sandbox "${owned.sandbox}" (its ports on 127.0.0.1: ${owned.loopbackPorts.join(", ") || "none"})`,
        "load only the sandbox's own services (`sandbox status`), or pass --target-url URL --i-own-this-target for a server you own",
      );
    }
  }
}
