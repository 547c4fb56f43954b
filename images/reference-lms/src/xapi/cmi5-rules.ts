import { XapiError } from "./store.ts";

/**
 * Pure: the cmi5 rules the LMS enforces on an AU's statements (cmi5 section 9): a session runs
 * launched -> initialized -> terminated; "cmi5 defined" statements (those in the cmi5 category) come
 * only between initialized and terminated, passed/failed follow the mastery score, completed and passed
 * come once per AU, and the LMS-only verbs are the LMS's own. Statements of a terminated session are refused.
 */

export const CMI5 = {
  category: "https://w3id.org/xapi/cmi5/context/categories/cmi5",
  sessionExtension: "https://w3id.org/xapi/cmi5/context/extensions/sessionid",
  courseType: "https://w3id.org/xapi/cmi5/activitytype/course",
} as const;
const VERB = (name: string) => `http://adlnet.gov/expapi/verbs/${name}`;
export const VERBS = {
  launched: VERB("launched"),
  initialized: VERB("initialized"),
  completed: VERB("completed"),
  passed: VERB("passed"),
  failed: VERB("failed"),
  terminated: VERB("terminated"),
  abandoned: "https://w3id.org/xapi/adl/verbs/abandoned",
  waived: "https://w3id.org/xapi/adl/verbs/waived",
  satisfied: "https://w3id.org/xapi/adl/verbs/satisfied",
} as const;
const LMS_ONLY = new Set<string>([VERBS.launched, VERBS.abandoned, VERBS.waived, VERBS.satisfied]);

export type SessionState = "launched" | "initialized" | "terminated";

export interface Cmi5Session {
  readonly id: string;
  readonly auId: string;
  readonly moveOn: string;
  readonly masteryScore: number | null;
  readonly state: SessionState;
}

/** What the AU has already recorded in its registration. */
export interface AuProgress {
  readonly completed: boolean;
  readonly passed: boolean;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

export function sessionIdOf(statement: Json): string | undefined {
  const context = isObject(statement.context) ? statement.context : {};
  const extensions = isObject(context.extensions) ? context.extensions : {};
  const id = extensions[CMI5.sessionExtension];
  return typeof id === "string" ? id : undefined;
}

export function isCmi5Defined(statement: Json): boolean {
  const context = isObject(statement.context) ? statement.context : {};
  const activities = isObject(context.contextActivities) ? context.contextActivities : {};
  const category = Array.isArray(activities.category) ? activities.category : [activities.category];
  return category.some((a) => isObject(a) && a.id === CMI5.category);
}

const refuse = (message: string) => new XapiError(403, `cmi5: ${message}`);

/** Checks one AU statement against its session; returns the session state and progress after it. */
export function applyCmi5Rules(
  statement: Json,
  session: Cmi5Session,
  progress: AuProgress,
): { state: SessionState; progress: AuProgress } {
  const verb = String((statement.verb as Json).id);
  if (session.state === "terminated")
    throw refuse(`session ${session.id} is terminated: launch the AU again`);
  if (!isCmi5Defined(statement)) return { state: session.state, progress };
  if (LMS_ONLY.has(verb)) throw refuse(`only the LMS records ${verb}`);
  if (verb === VERBS.initialized) {
    if (session.state !== "launched") throw refuse("initialized comes once, first in a session");
    return { state: "initialized", progress };
  }
  if (session.state !== "initialized") throw refuse("the AU must send initialized first");
  if (verb === VERBS.terminated) return { state: "terminated", progress };
  const scaled = ((statement.result as Json | undefined)?.score as Json | undefined)?.scaled;
  if (verb === VERBS.completed) {
    if (progress.completed) throw refuse("completed was already recorded for this AU");
    return { state: session.state, progress: { ...progress, completed: true } };
  }
  if (verb === VERBS.passed || verb === VERBS.failed) {
    if (verb === VERBS.passed && progress.passed) throw refuse("passed was already recorded for this AU");
    if (session.masteryScore !== null) {
      if (typeof scaled !== "number")
        throw refuse(
          `${verb} needs result.score.scaled: the AU has a masteryScore of ${session.masteryScore}`,
        );
      if (verb === VERBS.passed && scaled < session.masteryScore)
        throw refuse(`passed with a score of ${scaled} is below the masteryScore ${session.masteryScore}`);
      if (verb === VERBS.failed && scaled >= session.masteryScore)
        throw refuse(`failed with a score of ${scaled} reaches the masteryScore ${session.masteryScore}`);
    }
    return {
      state: session.state,
      progress: verb === VERBS.passed ? { ...progress, passed: true } : progress,
    };
  }
  return { state: session.state, progress };
}

/** Whether an AU's moveOn criterion is met (cmi5 section 10, "moveOn"). */
export function moveOnMet(moveOn: string, progress: AuProgress): boolean {
  switch (moveOn) {
    case "Completed":
      return progress.completed;
    case "Passed":
      return progress.passed;
    case "CompletedAndPassed":
      return progress.completed && progress.passed;
    case "CompletedOrPassed":
      return progress.completed || progress.passed;
    default:
      return true; // NotApplicable
  }
}

/** The LMS's own "satisfied" statement for the course (cmi5 section 9.6.4). */
export function satisfiedStatement(
  actor: unknown,
  courseId: string,
  registration: string,
  sessionId: string,
) {
  return {
    actor,
    verb: { id: VERBS.satisfied, display: { "en-US": "satisfied" } },
    object: { objectType: "Activity", id: courseId, definition: { type: CMI5.courseType } },
    context: {
      registration,
      extensions: { [CMI5.sessionExtension]: sessionId },
      contextActivities: { category: [{ id: CMI5.category }] },
    },
    version: "1.0.3",
  };
}
