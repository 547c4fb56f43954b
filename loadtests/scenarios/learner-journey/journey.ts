import { randomUUID } from "node:crypto";
import type { Scenario, VuContext } from "../../lib/engine.ts";
import type { HttpResponse } from "../../lib/http.ts";
import type { Stage } from "../../lib/schedule.ts";

/** One learner's visit to the reference LMS (images/reference-lms/API.md). */
export interface LearnerJourneyOptions {
  readonly lmsBaseUrl: string;
  /** learner accounts are `${usernamePrefix}${vu + 1}`, all with `password` (provisioned before the run). */
  readonly usernamePrefix: string;
  readonly password: string;
  readonly courseId: string;
  readonly launchId?: string;
  /** seconds between two commits (SCORM) or statements (xAPI, cmi5), jittered by +-20%. */
  readonly commitIntervalS: number;
  /** pause between page views, seconds, uniform in [min, max]. */
  readonly thinkTimeS: { readonly min: number; readonly max: number };
  /** how long the learner stays in the content before completing it. */
  readonly sessionS: number;
}

interface Launch {
  attemptId: string;
  format: string;
  contentUrl: string;
  scorm?: { version: "1.2" | "2004"; commitUrl: string };
  xapi?: { endpoint: string; auth?: string; actor: unknown; registration: string; activityId: string };
  cmi5?: { fetchUrl: string; sessionId: string };
}

export function learnerJourneyScenario(
  options: LearnerJourneyOptions,
  plan: {
    stages: readonly Stage[];
    gracefulRampDownS: number;
    gracefulStopS: number;
    headers?: Record<string, string>;
  },
): Scenario {
  const { stages, gracefulRampDownS, ...rest } = plan;
  return {
    name: "learner-journey",
    ...rest,
    executor: { type: "ramping-vus", stages, gracefulRampDownS },
    iteration: (ctx) => journey(ctx, options),
  };
}

const json = (r: HttpResponse): unknown => {
  try {
    return JSON.parse(r.body);
  } catch {
    return undefined;
  }
};

async function think(ctx: VuContext, options: LearnerJourneyOptions): Promise<void> {
  const { min, max } = options.thinkTimeS;
  await ctx.sleep((min + (max - min) * ctx.random()) * 1000);
}

async function journey(ctx: VuContext, options: LearnerJourneyOptions): Promise<void> {
  const metrics = {
    commits: ctx.metrics.counter("lms_commits_sent"),
    statements: ctx.metrics.counter("lms_statements_sent"),
  };
  const url = (path: string) => new URL(path, options.lmsBaseUrl).href;
  const jsonHeaders = { "content-type": "application/json" };
  let cookie = "";
  const withCookie = () => (cookie ? { ...jsonHeaders, cookie } : jsonHeaders);

  const username = `${options.usernamePrefix}${ctx.vu + 1}`;
  const login = await ctx.http.request({
    method: "POST",
    url: url("/api/login"),
    name: "lms_login",
    headers: jsonHeaders,
    body: JSON.stringify({ username, password: options.password }),
    keepBody: true,
  });
  const setCookie = ([] as string[]).concat(login.headers["set-cookie"] ?? []);
  cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
  if (
    !ctx.check(login, { "login 200": (r) => r.status === 200, "login sets a session": () => cookie !== "" })
  ) {
    return ctx.sleep(2000);
  }
  await think(ctx, options);

  const catalog = await ctx.http.request({
    url: url("/api/courses"),
    name: "lms_catalog",
    headers: withCookie(),
    keepBody: true,
  });
  const listed = json(catalog) as { courses?: { id: string }[] } | undefined;
  if (
    !ctx.check(catalog, {
      "catalog lists the course": () => Boolean(listed?.courses?.some((c) => c.id === options.courseId)),
    })
  ) {
    return ctx.sleep(2000);
  }
  await think(ctx, options);

  const launched = await ctx.http.request({
    method: "POST",
    url: url(`/api/courses/${encodeURIComponent(options.courseId)}/launch`),
    name: "lms_launch",
    headers: withCookie(),
    body: JSON.stringify(options.launchId ? { launchId: options.launchId } : {}),
    keepBody: true,
  });
  const launch = (json(launched) as { launch?: Launch } | undefined)?.launch;
  if (!ctx.check(launched, { "launch 200": (r) => r.status === 200 && launch !== undefined }) || !launch) {
    return ctx.sleep(2000);
  }
  await ctx.http.request({ url: url(launch.contentUrl), name: "lms_content", headers: withCookie() });

  const sender = await makeSender(ctx, launch, url, withCookie);
  const sessionEnd = ctx.now() + options.sessionS * 1000;
  let sequence = 0;
  while (ctx.now() < sessionEnd && !ctx.stopping()) {
    const jitter = 0.8 + 0.4 * ctx.random();
    await ctx.sleep(Math.min(options.commitIntervalS * 1000 * jitter, Math.max(0, sessionEnd - ctx.now())));
    sequence++;
    const sent = await sender(false, sequence);
    if (sent.kind === "commit") metrics.commits.add(sent.acknowledged, ctx.tags);
    else metrics.statements.add(sent.acknowledged, ctx.tags);
  }
  const done = await sender(true, sequence + 1);
  if (done.kind === "commit") metrics.commits.add(done.acknowledged, ctx.tags);
  else metrics.statements.add(done.acknowledged, ctx.tags);
  await ctx.http.request({
    method: "POST",
    url: url("/api/logout"),
    name: "lms_logout",
    headers: { cookie },
  });
}

type Sender = (
  complete: boolean,
  sequence: number,
) => Promise<{ kind: "commit" | "statement"; acknowledged: number }>;

async function makeSender(
  ctx: VuContext,
  launch: Launch,
  url: (path: string) => string,
  withCookie: () => Record<string, string>,
): Promise<Sender> {
  if (launch.scorm) {
    const commitUrl = url(launch.scorm.commitUrl);
    const v12 = launch.scorm.version === "1.2";
    return async (complete, sequence) => {
      const cmi = v12
        ? {
            "cmi.core.lesson_location": `page-${sequence}`,
            "cmi.core.lesson_status": complete ? "completed" : "incomplete",
            "cmi.suspend_data": `s${sequence}`,
          }
        : {
            "cmi.location": `page-${sequence}`,
            "cmi.completion_status": complete ? "completed" : "incomplete",
            "cmi.suspend_data": `s${sequence}`,
          };
      const r = await ctx.http.request({
        method: "POST",
        url: commitUrl,
        name: "lms_commit",
        headers: withCookie(),
        body: JSON.stringify(cmi),
      });
      return {
        kind: "commit",
        acknowledged: ctx.check(r, { "commit stored": (x) => x.status === 200 }) ? 1 : 0,
      };
    };
  }
  const xapi = launch.xapi;
  if (!xapi) throw new Error(`launch of format ${launch.format} has neither scorm nor xapi details`);
  let auth = xapi.auth;
  if (launch.cmi5) {
    const fetched = await ctx.http.request({
      method: "POST",
      url: url(launch.cmi5.fetchUrl),
      name: "cmi5_fetch",
      keepBody: true,
    });
    const token = (json(fetched) as { "auth-token"?: string } | undefined)?.["auth-token"];
    if (!ctx.check(fetched, { "cmi5 fetch gives a token": () => Boolean(token) }))
      throw new Error("cmi5 fetch gave no token");
    auth = `Basic ${token}`;
  }
  const endpoint = new URL("statements", url(xapi.endpoint)).href;
  const headers = {
    "content-type": "application/json",
    "x-experience-api-version": "1.0.3",
    ...(auth ? { authorization: auth } : {}),
  };
  return async (complete, sequence) => {
    const verb = complete
      ? "http://adlnet.gov/expapi/verbs/completed"
      : "http://adlnet.gov/expapi/verbs/progressed";
    const statement = {
      id: randomUUID(),
      actor: xapi.actor,
      verb: { id: verb, display: { "en-US": complete ? "completed" : "progressed" } },
      object: { id: xapi.activityId, objectType: "Activity" },
      context: {
        registration: xapi.registration,
        ...(launch.cmi5
          ? {
              extensions: {
                "https://w3id.org/xapi/cmi5/context/extensions/sessionid": launch.cmi5.sessionId,
              },
            }
          : {}),
      },
      result: complete
        ? { completion: true }
        : { extensions: { "https://example.invalid/progress": sequence } },
      timestamp: new Date().toISOString(),
    };
    const r = await ctx.http.request({
      method: "POST",
      url: endpoint,
      name: "xapi_statement",
      headers,
      body: JSON.stringify([statement]),
    });
    return {
      kind: "statement",
      acknowledged: ctx.check(r, { "statement stored": (x) => x.status === 200 }) ? 1 : 0,
    };
  };
}
