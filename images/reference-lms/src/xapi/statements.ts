import { randomUUID } from "node:crypto";
import { type Agent, agentKey } from "../agents.ts";
import { statementProblems } from "./validation.ts";

/** Pure: checks xAPI statements by the spec's rules and completes them before they are stored. */

export interface Attachment {
  readonly usageType: string;
  readonly contentType: string;
  readonly length: number;
  readonly sha2: string;
  readonly fileUrl?: string;
}

export interface PreparedStatement {
  readonly id: string;
  readonly verb: string;
  readonly activityId: string | null;
  readonly registration: string | null;
  readonly voids: string | null;
  /** agent keys of the actor and of an Agent/Group object (the `agent` filter). */
  readonly agents: readonly string[];
  /** agent keys anywhere the `related_agents` filter looks. */
  readonly relatedAgents: readonly string[];
  /** activity ids anywhere the `related_activities` filter looks. */
  readonly relatedActivities: readonly string[];
  readonly attachments: readonly Attachment[];
  readonly statement: Record<string, unknown>;
}

export const VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided";
export const SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature";
export class StatementError extends Error {}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);
const list = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter(isObject) : isObject(value) ? [value] : [];

const keysOf = (actors: unknown[]): string[] =>
  actors.flatMap((actor) => {
    if (!isObject(actor)) return [];
    const key = agentKey(actor as Agent);
    return key ? [key] : [];
  });

const isAgentLike = (object: Json) => object.objectType === "Agent" || object.objectType === "Group";

/** Who and what a statement (or SubStatement) is about, for the query filters. */
function subjects(s: Json): { agents: string[]; relatedAgents: string[]; activities: string[] } {
  const object = isObject(s.object) ? s.object : {};
  const context = isObject(s.context) ? s.context : {};
  const agents = keysOf([s.actor, isAgentLike(object) ? object : undefined]);
  const relatedAgents = [...agents, ...keysOf([s.authority, context.instructor, context.team])];
  const objectType = typeof object.objectType === "string" ? object.objectType : "Activity";
  const activities = objectType === "Activity" && typeof object.id === "string" ? [object.id] : [];
  const contextActivities = isObject(context.contextActivities) ? context.contextActivities : {};
  for (const kind of ["parent", "grouping", "category", "other"])
    for (const activity of list(contextActivities[kind]))
      if (typeof activity.id === "string") activities.push(activity.id);
  if (objectType === "SubStatement") {
    const inner = subjects(object);
    relatedAgents.push(...inner.relatedAgents);
    activities.push(...inner.activities);
  }
  return { agents, relatedAgents, activities };
}

export interface PrepareOptions {
  readonly now: Date;
  readonly authority: Agent;
  readonly forcedId?: string;
  /** false only for the validation-cost bench's baseline (XAPI_VALIDATION=off). */
  readonly validate?: boolean;
}

export function prepareStatement(raw: unknown, options: PrepareOptions): PreparedStatement {
  if (!isObject(raw)) throw new StatementError("a statement must be a JSON object");
  const problems = options.validate === false ? [] : statementProblems(raw);
  if (problems.length > 0) throw new StatementError(problems.slice(0, 5).join("; "));
  const { forcedId } = options;
  if (forcedId && raw.id !== undefined && String(raw.id).toLowerCase() !== forcedId)
    throw new StatementError("statement.id differs from the statementId parameter");
  const id = (forcedId ?? (raw.id as string | undefined) ?? randomUUID()).toLowerCase();
  const object = isObject(raw.object) ? raw.object : {};
  const verb = String(isObject(raw.verb) ? raw.verb.id : "");
  const context = isObject(raw.context) ? raw.context : {};
  const stored = options.now.toISOString();
  const statement: Json = {
    ...raw,
    id,
    timestamp: typeof raw.timestamp === "string" ? raw.timestamp : stored,
    stored,
    authority: options.authority,
    version: raw.version ?? "1.0.0",
  };
  const about = subjects(statement);
  return {
    id,
    verb,
    activityId: (object.objectType ?? "Activity") === "Activity" ? (object.id as string) : null,
    registration: typeof context.registration === "string" ? context.registration.toLowerCase() : null,
    voids: verb === VOIDED_VERB ? String(object.id).toLowerCase() : null,
    agents: about.agents,
    relatedAgents: [...new Set(about.relatedAgents)],
    relatedActivities: [...new Set(about.activities)],
    attachments: list(raw.attachments) as unknown as Attachment[],
    statement,
  };
}

/** A statement body: one object or an array of them; one bad statement refuses the whole batch. */
export function parseStatementBatch(body: unknown, options: PrepareOptions): PreparedStatement[] {
  const batch = Array.isArray(body) ? body : [body];
  if (batch.length === 0) throw new StatementError("the batch is empty");
  if (options.forcedId && batch.length !== 1) throw new StatementError("PUT takes exactly one statement");
  const prepared = batch.map((raw, index) => {
    try {
      return prepareStatement(raw, options);
    } catch (error) {
      throw new StatementError(`statement ${index}: ${(error as Error).message}`);
    }
  });
  if (new Set(prepared.map((s) => s.id)).size !== prepared.length)
    throw new StatementError("the batch repeats a statement id");
  return prepared;
}

const IGNORED_IN_COMPARISON = new Set(["authority", "stored", "timestamp", "version", "attachments"]);

/** Key-order-insensitive JSON of what two statements must share to be "the same" (xAPI 1.0.3 2.3.1). */
export function comparable(statement: Json): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    );
  };
  const kept = Object.fromEntries(Object.entries(statement).filter(([k]) => !IGNORED_IN_COMPARISON.has(k)));
  return JSON.stringify(canonical(kept));
}
