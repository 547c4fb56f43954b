import { randomUUID } from "node:crypto";

/** Pure: checks and completes xAPI statements before they are stored. */

export interface PreparedStatement {
  readonly id: string;
  readonly verb: string;
  readonly activityId: string | null;
  readonly registration: string | null;
  readonly voids: string | null;
  readonly statement: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VOIDED = "http://adlnet.gov/expapi/verbs/voided";
const isObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

export class StatementError extends Error {}

export function prepareStatement(raw: unknown, now: Date, forcedId?: string): PreparedStatement {
  if (!isObject(raw)) throw new StatementError("a statement must be a JSON object");
  if (!isObject(raw.actor)) throw new StatementError("statement.actor must be an object");
  const verb = raw.verb;
  if (!isObject(verb) || typeof verb.id !== "string" || verb.id === "")
    throw new StatementError("statement.verb.id is required");
  if (!isObject(raw.object)) throw new StatementError("statement.object must be an object");
  if (raw.id !== undefined && (typeof raw.id !== "string" || !UUID.test(raw.id)))
    throw new StatementError("statement.id must be a UUID");
  if (forcedId && raw.id !== undefined && raw.id !== forcedId)
    throw new StatementError("statement.id differs from the statementId parameter");
  const id = (forcedId ?? (raw.id as string | undefined) ?? randomUUID()).toLowerCase();
  const object = raw.object;
  const objectType = typeof object.objectType === "string" ? object.objectType : "Activity";
  const activityId = objectType === "Activity" && typeof object.id === "string" ? object.id : null;
  const context = isObject(raw.context) ? raw.context : {};
  const registration =
    typeof context.registration === "string" && UUID.test(context.registration) ? context.registration : null;
  const voids =
    verb.id === VOIDED && objectType === "StatementRef" && typeof object.id === "string" ? object.id : null;
  const stored = now.toISOString();
  return {
    id,
    verb: verb.id,
    activityId,
    registration,
    voids,
    statement: {
      ...raw,
      id,
      timestamp: typeof raw.timestamp === "string" ? raw.timestamp : stored,
      stored,
      version: raw.version ?? "1.0.0",
    },
  };
}

/** A statement body: one object or an array of them. */
export function parseStatementBatch(body: unknown, now: Date, forcedId?: string): PreparedStatement[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) throw new StatementError("the batch is empty");
  if (forcedId && list.length !== 1) throw new StatementError("PUT takes exactly one statement");
  const prepared = list.map((raw, index) => {
    try {
      return prepareStatement(raw, now, forcedId);
    } catch (error) {
      throw new StatementError(`statement ${index}: ${(error as Error).message}`);
    }
  });
  if (new Set(prepared.map((s) => s.id)).size !== prepared.length)
    throw new StatementError("the batch repeats a statement id");
  return prepared;
}
