import { type Agent, agentKey } from "../agents.ts";
import { XapiError } from "./store.ts";
import { agentProblems } from "./validation.ts";

/** Pure: the statement query parameters of xAPI 1.0.3 (part 3, 2.1.3), checked, and the paging cursor. */

export type Format = "ids" | "exact" | "canonical";

export interface StatementQuery {
  readonly agent?: string;
  readonly verb?: string;
  readonly activity?: string;
  readonly registration?: string;
  readonly relatedActivities: boolean;
  readonly relatedAgents: boolean;
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
  readonly format: Format;
  readonly attachments: boolean;
  readonly ascending: boolean;
}

export interface Cursor {
  /** the query's own parameters, as first asked. */
  readonly params: Record<string, string>;
  /** the last row returned (seq), and the newest row that existed when the first page was read. */
  readonly after: number;
  readonly upTo: number;
}

export const MAX_LIMIT = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;
const SINGLE_PARAMS = new Set(["statementId", "voidedStatementId", "attachments", "format"]);
const LIST_PARAMS = new Set([
  "agent",
  "verb",
  "activity",
  "registration",
  "related_activities",
  "related_agents",
  "since",
  "until",
  "limit",
  "format",
  "attachments",
  "ascending",
]);

const bad = (message: string) => new XapiError(400, message);

function flag(params: Record<string, string>, name: string): boolean {
  const value = params[name];
  if (value === undefined) return false;
  if (value !== "true" && value !== "false") throw bad(`${name} must be true or false`);
  return value === "true";
}

function timestamp(params: Record<string, string>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(value))
    throw bad(`${name} must be an ISO 8601 timestamp with a time zone, e.g. 2026-01-02T03:04:05Z`);
  return new Date(value).toISOString();
}

export function parseFormat(value: string | undefined): Format {
  if (value === undefined) return "exact";
  if (value === "ids" || value === "exact" || value === "canonical") return value;
  throw bad("format must be ids, exact or canonical");
}

/** Which single statement is asked for, if any; other filters beside it are refused (400). */
export function singleStatementId(
  params: Record<string, string>,
): { id: string; voided: boolean } | undefined {
  const { statementId, voidedStatementId } = params;
  if (statementId === undefined && voidedStatementId === undefined) return undefined;
  if (statementId !== undefined && voidedStatementId !== undefined)
    throw bad("send statementId or voidedStatementId, not both");
  const extra = Object.keys(params).filter((name) => !SINGLE_PARAMS.has(name));
  if (extra.length > 0) throw bad(`${extra.join(", ")} cannot be combined with a statement id`);
  const id = (statementId ?? voidedStatementId) as string;
  if (!UUID.test(id)) throw bad("the statement id must be a UUID");
  return { id: id.toLowerCase(), voided: voidedStatementId !== undefined };
}

export function parseStatementQuery(params: Record<string, string>): StatementQuery {
  const unknown = Object.keys(params).filter((name) => !LIST_PARAMS.has(name));
  if (unknown.length > 0) throw bad(`unknown parameter(s) ${unknown.join(", ")}`);
  let agent: string | undefined;
  if (params.agent !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params.agent);
    } catch {
      throw bad("agent must be a JSON Agent or Group");
    }
    const problems = agentProblems(parsed);
    if (problems.length > 0) throw bad(problems.join("; "));
    agent = agentKey(parsed as Agent);
  }
  for (const name of ["verb", "activity"] as const)
    if (params[name] !== undefined && !IRI.test(params[name])) throw bad(`${name} must be an IRI`);
  if (params.registration !== undefined && !UUID.test(params.registration))
    throw bad("registration must be a UUID");
  const limit = params.limit === undefined ? 0 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 0)
    throw bad("limit must be a whole number (0: the server's maximum)");
  return {
    ...(agent ? { agent } : {}),
    ...(params.verb ? { verb: params.verb } : {}),
    ...(params.activity ? { activity: params.activity } : {}),
    ...(params.registration ? { registration: params.registration.toLowerCase() } : {}),
    relatedActivities: flag(params, "related_activities"),
    relatedAgents: flag(params, "related_agents"),
    ...(params.since ? { since: timestamp(params, "since") as string } : {}),
    ...(params.until ? { until: timestamp(params, "until") as string } : {}),
    limit: limit === 0 ? MAX_LIMIT : Math.min(limit, MAX_LIMIT),
    format: parseFormat(params.format),
    attachments: flag(params, "attachments"),
    ascending: flag(params, "ascending"),
  };
}

export const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");

export function decodeCursor(more: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(more, "base64url").toString("utf8")) as Cursor;
    if (
      typeof cursor.params === "object" &&
      Number.isSafeInteger(cursor.after) &&
      Number.isSafeInteger(cursor.upTo)
    )
      return cursor;
  } catch {
    // fall through
  }
  throw bad("more is not a cursor this LRS handed out: start the query again");
}

/** The WHERE clause and values of a query (after the principal's own condition, `$1`..`$offset`). */
export function whereOf(query: StatementQuery, firstIndex: number): { sql: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    values.push(value);
    clauses.push(sql(`$${firstIndex + values.length - 1}`));
  };
  if (query.agent)
    add((n) => (query.relatedAgents ? `${n} = ANY(related_agents)` : `${n} = ANY(agents)`), query.agent);
  if (query.verb) add((n) => `verb = ${n}`, query.verb);
  if (query.activity)
    add(
      (n) => (query.relatedActivities ? `${n} = ANY(related_activities)` : `activity_id = ${n}`),
      query.activity,
    );
  if (query.registration) add((n) => `registration = ${n}::uuid`, query.registration);
  if (query.since) add((n) => `stored > ${n}::timestamptz`, query.since);
  if (query.until) add((n) => `stored <= ${n}::timestamptz`, query.until);
  return { sql: clauses.map((c) => ` AND ${c}`).join(""), values };
}
