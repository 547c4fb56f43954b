import type { Agent } from "../agents.ts";
import type { Db } from "../db.ts";
import {
  type AuProgress,
  applyCmi5Rules,
  type Cmi5Session,
  moveOnMet,
  type SessionState,
  satisfiedStatement,
  sessionIdOf,
  VERBS,
} from "./cmi5-rules.ts";
import { type PreparedStatement, prepareStatement } from "./statements.ts";
import { storeStatements, XapiError } from "./store.ts";

/** The LMS side of cmi5 sessions: what a launch records, what AU statements are held to, "satisfied". */

interface SessionRow extends Cmi5Session {
  readonly attemptId: string;
  readonly userId: string;
  readonly courseId: string;
}

export async function recordCmi5Session(
  db: Db,
  session: { id: string; attemptId: string; auId: string; moveOn: string; masteryScore?: number },
): Promise<void> {
  await db.query(
    `INSERT INTO cmi5_sessions (id, attempt_id, au_id, move_on, mastery_score, state)
     VALUES ($1, $2, $3, $4, $5, 'launched')`,
    [session.id, session.attemptId, session.auId, session.moveOn, session.masteryScore ?? null],
  );
}

async function sessionsOf(db: Db, ids: string[]): Promise<Map<string, SessionRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<SessionRow>(
    `SELECT s.id, s.au_id AS "auId", s.move_on AS "moveOn", s.mastery_score AS "masteryScore", s.state,
            s.attempt_id::text AS "attemptId", a.user_id::text AS "userId", a.course_id AS "courseId"
     FROM cmi5_sessions s JOIN attempts a ON a.id = s.attempt_id WHERE s.id = ANY($1)`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** What the learner has recorded for one AU (any of their registrations of the course). */
async function progressOf(db: Db, userId: string, auId: string): Promise<AuProgress> {
  const { rows } = await db.query<{ verb: string }>(
    `SELECT DISTINCT verb FROM statements WHERE user_id = $1 AND activity_id = $2 AND verb = ANY($3) AND NOT voided
       AND statement->'context'->'contextActivities'->'category' @> '[{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]'`,
    [userId, auId, [VERBS.completed, VERBS.passed]],
  );
  const verbs = new Set(rows.map((r) => r.verb));
  return { completed: verbs.has(VERBS.completed), passed: verbs.has(VERBS.passed) };
}

export interface Cmi5Outcome {
  readonly session: SessionRow;
  readonly state: SessionState;
  readonly progress: AuProgress;
  readonly progressed: boolean;
  readonly actor: unknown;
}

/** Checks a batch's AU statements against their sessions (403 on a broken rule); nothing is written. */
export async function checkCmi5(db: Db, batch: readonly PreparedStatement[]): Promise<Cmi5Outcome[]> {
  const ids = [
    ...new Set(batch.map((s) => sessionIdOf(s.statement)).filter((id): id is string => Boolean(id))),
  ];
  const sessions = await sessionsOf(db, ids);
  const outcomes = new Map<string, Cmi5Outcome>();
  for (const s of batch) {
    const id = sessionIdOf(s.statement);
    const row = id ? sessions.get(id) : undefined;
    if (!row) continue;
    if (s.registration !== row.attemptId)
      throw new XapiError(403, `cmi5: statements of session ${row.id} carry registration ${row.attemptId}`);
    const before = outcomes.get(row.id) ?? {
      session: row,
      state: row.state,
      progress: await progressOf(db, row.userId, row.auId),
      progressed: false,
      actor: s.statement.actor,
    };
    const after = applyCmi5Rules(s.statement, { ...row, state: before.state }, before.progress);
    const progressed = before.progressed || after.progress !== before.progress;
    outcomes.set(row.id, { ...before, ...after, progressed });
  }
  return [...outcomes.values()];
}

/** Records the sessions' new states and, once every AU of the course meets its moveOn, "satisfied". */
export async function settleCmi5(db: Db, outcomes: readonly Cmi5Outcome[], authority: Agent): Promise<void> {
  for (const outcome of outcomes) {
    const { session } = outcome;
    if (outcome.state !== session.state)
      await db.query("UPDATE cmi5_sessions SET state = $2 WHERE id = $1", [session.id, outcome.state]);
    if (outcome.progressed) await satisfyCourse(db, session, outcome.actor, authority);
  }
}

export async function satisfyCourse(
  db: Db,
  session: { id: string; attemptId: string; userId: string; courseId: string },
  actor: unknown,
  authority: Agent,
): Promise<void> {
  const { rows } = await db.query<{ course_activity: string | null; aus: { id: string; moveOn?: string }[] }>(
    "SELECT profile->'cmi5'->>'courseId' AS course_activity, profile->'cmi5'->'aus' AS aus FROM courses WHERE id = $1",
    [session.courseId],
  );
  const course = rows[0];
  if (!course?.course_activity) return;
  const done = await db.query(
    "SELECT 1 FROM statements WHERE user_id = $1 AND verb = $2 AND activity_id = $3 AND NOT voided LIMIT 1",
    [session.userId, VERBS.satisfied, course.course_activity],
  );
  if (done.rowCount) return;
  for (const au of course.aus ?? [])
    if (!moveOnMet(au.moveOn ?? "NotApplicable", await progressOf(db, session.userId, au.id))) return;
  const raw = satisfiedStatement(actor, course.course_activity, session.attemptId, session.id);
  await storeStatements(db, [prepareStatement(raw, { now: new Date(), authority })], {
    userId: session.userId,
    run: null,
  });
}
