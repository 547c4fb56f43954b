import { randomBytes, randomUUID } from "node:crypto";
import type { CourseProfile } from "../../../sandbox-cli/src/course/index.ts";
import { accountActor, agentKey, mboxActor } from "./agents.ts";
import type { Db } from "./db.ts";
import type { SessionUser } from "./sessions.ts";
import { recordCmi5Session, satisfyCourse } from "./xapi/cmi5-sessions.ts";
import { prepareStatement } from "./xapi/statements.ts";
import { storeStatements } from "./xapi/store.ts";
import { createXapiToken, lmsAuthority } from "./xapi-auth.ts";

export interface CourseRow {
  readonly id: string;
  readonly title: string;
  readonly format: CourseProfile["format"];
  readonly edition: string | null;
  readonly launches: CourseProfile["launches"];
  readonly profile: CourseProfile;
}

export interface LaunchInfo {
  readonly attemptId: string;
  readonly courseId: string;
  readonly launchId: string;
  readonly format: CourseProfile["format"];
  /** What the learner's browser opens: a path on this server (or an absolute URL) with launch parameters. */
  readonly contentUrl: string;
  readonly scorm?: {
    version: "1.2" | "2004";
    commitUrl: string;
    launchPage: string;
    state: Record<string, unknown>;
  };
  readonly xapi?: {
    endpoint: string;
    auth?: string;
    actor: unknown;
    registration: string;
    activityId: string;
  };
  readonly cmi5?: { fetchUrl: string; sessionId: string };
  readonly aicc?: { sessionId: string; hacpUrl: string };
}

export async function loadCourse(db: Db, courseId: string): Promise<CourseRow | undefined> {
  const { rows } = await db.query<CourseRow>(
    "SELECT id, title, format, edition, launches, profile FROM courses WHERE id = $1",
    [courseId],
  );
  return rows[0];
}

/** Content URL of a launch: package-relative urls are served under /content/<course>/. */
export function contentPath(courseId: string, launchUrl: string): string {
  if (/^https?:\/\//i.test(launchUrl)) return launchUrl;
  const path = launchUrl.replace(/^\.?\/+/, "").replace(/ /g, "%20");
  return `/content/${encodeURIComponent(courseId)}/${path}`;
}

export function withParams(url: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  return `${url}${url.includes("?") ? "&" : "?"}${query}`;
}

async function ensureAttempt(db: Db, user: SessionUser, course: CourseRow, launchId: string) {
  const { rows } = await db.query<{ id: string; state: Record<string, unknown> }>(
    `INSERT INTO attempts (user_id, course_id, launch_id, format) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, course_id, launch_id) DO UPDATE SET updated_at = now()
     RETURNING id, state`,
    [user.id, course.id, launchId, course.format],
  );
  const row = rows[0];
  if (!row) throw new Error("attempt upsert returned no row");
  return row;
}

/** Starts (or resumes) the learner's attempt at one launch of a course and says how to open it. */
export async function startLaunch(
  db: Db,
  user: SessionUser,
  course: CourseRow,
  requestedLaunchId: string | undefined,
  origin: string,
): Promise<LaunchInfo | undefined> {
  const launch = requestedLaunchId
    ? course.launches.find((l) => l.id === requestedLaunchId)
    : course.launches[0];
  if (!launch) return undefined;
  const attempt = await ensureAttempt(db, user, course, launch.id);
  const base = { attemptId: attempt.id, courseId: course.id, launchId: launch.id, format: course.format };
  const url = contentPath(course.id, launch.url);
  const pageQuery = new URLSearchParams({ launch: launch.id }).toString();
  switch (course.format) {
    case "scorm12":
    case "scorm2004":
      return {
        ...base,
        contentUrl: url,
        scorm: {
          version: course.format === "scorm12" ? "1.2" : "2004",
          commitUrl: `/api/attempts/${attempt.id}/commit`,
          launchPage: `/launch/${encodeURIComponent(course.id)}?${pageQuery}`,
          state: attempt.state,
        },
      };
    case "xapi": {
      const auth = await createXapiToken(db, user.id, attempt.id);
      const actor = mboxActor(user.username);
      const xapi = {
        endpoint: `${origin}/xapi/`,
        auth,
        actor,
        registration: attempt.id,
        activityId: launch.id,
      };
      const params = {
        endpoint: xapi.endpoint,
        auth,
        actor: JSON.stringify(actor),
        registration: attempt.id,
        activity_id: launch.id,
      };
      return { ...base, contentUrl: withParams(url, params), xapi };
    }
    case "cmi5":
      return startCmi5(db, user, course, launch, attempt.id, url, origin);
    case "aicc": {
      const hacpUrl = `${origin}/aicc/hacp`;
      return {
        ...base,
        contentUrl: withParams(url, { aicc_sid: attempt.id, aicc_url: hacpUrl }),
        aicc: { sessionId: attempt.id, hacpUrl },
      };
    }
    default:
      return { ...base, contentUrl: url };
  }
}

async function startCmi5(
  db: Db,
  user: SessionUser,
  course: CourseRow,
  launch: CourseProfile["launches"][number],
  attemptId: string,
  url: string,
  origin: string,
): Promise<LaunchInfo> {
  const au =
    course.profile.cmi5?.aus.find((candidate) => candidate.id === launch.id) ?? course.profile.cmi5?.aus[0];
  const activityId = au?.id ?? launch.id;
  const actor = accountActor(origin, user.username);
  const sessionId = randomUUID();
  const fetchId = randomBytes(18).toString("base64url");
  await db.query("INSERT INTO cmi5_fetch (id, user_id, attempt_id) VALUES ($1, $2, $3)", [
    fetchId,
    user.id,
    attemptId,
  ]);
  const sessionExtension = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
  const launchData = {
    contextTemplate: { extensions: { [sessionExtension]: sessionId } },
    launchMode: "Normal",
    launchMethod: au?.launchMethod ?? "AnyWindow",
    moveOn: au?.moveOn ?? "NotApplicable",
    returnURL: `${origin}/`,
    ...(au?.masteryScore !== undefined ? { masteryScore: au.masteryScore } : {}),
  };
  const body = Buffer.from(JSON.stringify(launchData));
  await db.query(
    `INSERT INTO xapi_documents (kind, activity_id, agent_key, registration, doc_id, content_type, content, etag)
     VALUES ('state', $1, $2, $3, 'LMS.LaunchData', 'application/json', $4, $5)
     ON CONFLICT (kind, activity_id, agent_key, registration, doc_id)
     DO UPDATE SET content = $4, etag = $5, updated = now()`,
    [activityId, agentKey(actor) ?? "", attemptId, body, `"${sessionId}"`],
  );
  // cmi5 section 9.6.1: the LMS itself records that it launched the AU.
  const launched = prepareStatement(
    {
      actor,
      verb: { id: "http://adlnet.gov/expapi/verbs/launched", display: { "en-US": "Launched" } },
      object: { id: activityId, objectType: "Activity" },
      context: {
        registration: attemptId,
        extensions: {
          [sessionExtension]: sessionId,
          "https://w3id.org/xapi/cmi5/context/extensions/launchmode": "Normal",
          "https://w3id.org/xapi/cmi5/context/extensions/moveon": launchData.moveOn,
        },
        contextActivities: { category: [{ id: "https://w3id.org/xapi/cmi5/context/categories/cmi5" }] },
      },
      version: "1.0.3",
    },
    { now: new Date(), authority: lmsAuthority(origin) },
  );
  await storeStatements(db, [launched], { userId: user.id, run: null });
  await recordCmi5Session(db, {
    id: sessionId,
    attemptId,
    auId: activityId,
    moveOn: launchData.moveOn,
    ...(au?.masteryScore !== undefined ? { masteryScore: au.masteryScore } : {}),
  });
  if (launchData.moveOn === "NotApplicable")
    await satisfyCourse(
      db,
      { id: sessionId, attemptId, userId: user.id, courseId: course.id },
      actor,
      lmsAuthority(origin),
    );
  const fetchUrl = `${origin}/cmi5/fetch/${fetchId}`;
  const params = {
    endpoint: `${origin}/xapi/`,
    fetch: fetchUrl,
    actor: JSON.stringify(actor),
    registration: attemptId,
    activityId,
  };
  return {
    attemptId,
    courseId: course.id,
    launchId: launch.id,
    format: "cmi5",
    contentUrl: withParams(url, params),
    xapi: { endpoint: `${origin}/xapi/`, actor, registration: attemptId, activityId },
    cmi5: { fetchUrl, sessionId },
  };
}
