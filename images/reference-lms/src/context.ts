import type { Config } from "./config.ts";
import type { Db } from "./db.ts";
import type { Metrics } from "./metrics.ts";

/** What every route module gets. */
export interface AppContext {
  readonly db: Db;
  readonly config: Config;
  readonly metrics: Metrics;
}

/** The `X-Load-Run` header, kept with commits and statements for the load test's integrity check. */
export function loadRunOf(headers: Record<string, string | string[] | undefined>): string | null {
  const value = headers["x-load-run"];
  const run = Array.isArray(value) ? value[0] : value;
  return run && /^[A-Za-z0-9._:-]{1,128}$/.test(run) ? run : null;
}

/** scheme://host[:port] as the client addressed us (published ports differ from the container's). */
export function originOf(request: {
  protocol: string;
  headers: Record<string, string | string[] | undefined>;
}): string {
  const host = request.headers.host;
  return `${request.protocol}://${typeof host === "string" && host ? host : "localhost"}`;
}
