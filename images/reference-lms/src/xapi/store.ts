import type pg from "pg";
import { type Db, inTransaction } from "../db.ts";
import { comparable, type PreparedStatement, VOIDED_VERB } from "./statements.ts";

/** An xAPI request the LRS refuses with this status (400, 409, 412...). */
export class XapiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AttachmentPart {
  readonly contentType: string;
  readonly content: Buffer;
}

export interface StoreOptions {
  readonly userId: string | null;
  readonly clientKey?: string | null;
  readonly run: string | null;
  /** attachment contents by sha2 (multipart requests). */
  readonly parts?: ReadonlyMap<string, AttachmentPart>;
}

/**
 * Stores a batch in one transaction: all of it or none (a conflict or a bad voiding target
 * refuses the whole request). A statement id already stored with the same content is a no-op.
 * Returns how many statements were new.
 */
export async function storeStatements(
  db: Db,
  batch: readonly PreparedStatement[],
  options: StoreOptions,
): Promise<number> {
  return inTransaction(db, async (client) => {
    let inserted = 0;
    for (const s of batch) {
      if (s.voids) await voidTarget(client, s.voids);
      const result = await client.query(
        `INSERT INTO statements (id, user_id, registration, verb, activity_id, statement, load_run,
           agents, related_agents, related_activities, stored, client_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
        [
          s.id,
          options.userId,
          s.registration,
          s.verb,
          s.activityId,
          JSON.stringify(s.statement),
          options.run,
          s.agents,
          s.relatedAgents,
          s.relatedActivities,
          s.statement.stored,
          options.clientKey ?? null,
        ],
      );
      if (result.rowCount) inserted += 1;
      else await sameAsStored(client, s);
      await rememberActivity(client, s);
    }
    for (const [sha2, part] of options.parts ?? [])
      await client.query(
        "INSERT INTO xapi_attachments (sha2, content_type, content) VALUES ($1, $2, $3) ON CONFLICT (sha2) DO NOTHING",
        [sha2, part.contentType, part.content],
      );
    return inserted;
  });
}

async function voidTarget(client: pg.PoolClient, target: string): Promise<void> {
  const { rows } = await client.query<{ verb: string }>("SELECT verb FROM statements WHERE id = $1", [
    target,
  ]);
  // A voiding statement cannot itself be voided (xAPI 1.0.3 part 2, 2.3.2).
  if (rows[0]?.verb === VOIDED_VERB)
    throw new XapiError(400, `statement ${target} is a voiding statement: it cannot be voided`);
  // A target not (yet) stored is no reason to refuse the voiding statement.
  await client.query("UPDATE statements SET voided = true WHERE id = $1", [target]);
}

async function sameAsStored(client: pg.PoolClient, s: PreparedStatement): Promise<void> {
  const { rows } = await client.query<{ statement: Record<string, unknown> }>(
    "SELECT statement FROM statements WHERE id = $1",
    [s.id],
  );
  const stored = rows[0]?.statement;
  if (stored && comparable(stored) !== comparable(s.statement))
    throw new XapiError(409, `statement ${s.id} is already stored with different content`);
}

/** Keeps the LRS's canonical definition of each activity (the latest definition sent wins, per key). */
async function rememberActivity(client: pg.PoolClient, s: PreparedStatement): Promise<void> {
  const object = s.statement.object as { definition?: unknown } | undefined;
  if (!s.activityId || !object?.definition) return;
  await client.query(
    `INSERT INTO xapi_activities (id, definition) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET definition = xapi_activities.definition || EXCLUDED.definition`,
    [s.activityId, JSON.stringify(object.definition)],
  );
}
