import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipFixture } from "../../helpers/course-fixtures.ts";
import { LmsClient } from "./client.ts";
import { type LmsStack, startLmsStack } from "./stack.ts";

let stack: LmsStack;
let admin: LmsClient;
let learner: LmsClient;

beforeAll(async () => {
  stack = await startLmsStack();
  admin = new LmsClient(stack.baseUrl);
  await admin.login(stack.admin.username, stack.admin.password);
  for (const [zip, id] of [
    ["xapi-basic", "tincan"],
    ["cmi5-basic", "cmi5"],
    ["aicc-basic", "aicc"],
  ]) {
    const installed = await admin.install(await zipFixture(zip as string), `?id=${id}`);
    if (installed.status !== 201) throw new Error(`install ${zip}: ${installed.status} ${installed.text}`);
  }
  await admin.request("POST", "/api/admin/learners", {
    json: { prefix: "learner", count: 3, password: "learner-pass" },
  });
  learner = new LmsClient(stack.baseUrl);
  await learner.login("learner1", "learner-pass");
});
afterAll(async () => {
  await stack?.stop();
});

/** Requests to the xAPI endpoint with a launch's Authorization header. */
function xapi(auth: string) {
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.baseUrl}/xapi/${path}`, {
      method,
      headers: {
        authorization: auth,
        "x-experience-api-version": "1.0.3",
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
}

describe("Tin Can (xAPI) launch", () => {
  it("launches with endpoint, auth, actor and registration, and stores statements durably", async () => {
    const launch = (await learner.request("POST", "/api/courses/tincan/launch", { json: {} })).json.launch;
    const url = new URL(launch.contentUrl, stack.baseUrl);
    expect(url.pathname).toBe("/content/tincan/index.html");
    expect(url.searchParams.get("endpoint")).toBe(`${stack.baseUrl}/xapi/`);
    expect(url.searchParams.get("registration")).toBe(launch.attemptId);
    const call = xapi(url.searchParams.get("auth") as string);
    const actor = JSON.parse(url.searchParams.get("actor") as string);
    const statement = (verb: string) => ({
      actor,
      verb: { id: `http://adlnet.gov/expapi/verbs/${verb}` },
      object: { id: launch.xapi.activityId },
      context: { registration: launch.attemptId },
    });

    const posted = await call("POST", "statements", [statement("attempted"), statement("experienced")], {
      "x-load-run": "run-x",
    });
    expect(posted.status).toBe(200);
    const ids = (await posted.json()) as string[];
    expect(ids).toHaveLength(2);
    const putId = randomUUID();
    expect(
      (
        await call("PUT", `statements?statementId=${putId}`, statement("completed"), {
          "x-load-run": "run-x",
        })
      ).status,
    ).toBe(204);
    // Retrying the same statement id is accepted and stored once.
    expect(
      (
        await call("PUT", `statements?statementId=${putId}`, statement("completed"), {
          "x-load-run": "run-x",
        })
      ).status,
    ).toBe(204);
    const one = await call("GET", `statements?statementId=${putId}`);
    expect(((await one.json()) as { verb: { id: string } }).verb.id).toContain("completed");
    const list = (await (await call("GET", `statements?registration=${launch.attemptId}`)).json()) as {
      statements: unknown[];
    };
    expect(list.statements).toHaveLength(3);
    const { rows } = await stack.db.query(
      "SELECT count(*)::int AS n FROM statements WHERE registration = $1 AND load_run = 'run-x'",
      [launch.attemptId],
    );
    expect(rows[0].n).toBe(3);
    const runs = await admin.request("GET", "/api/admin/runs/run-x");
    expect(runs.json).toMatchObject({ runId: "run-x", statements: 3, commits: 0 });
  });

  it("refuses missing or wrong credentials and malformed statements", async () => {
    expect((await xapi("Basic d3Jvbmc6d3Jvbmc=")("GET", "statements")).status).toBe(401);
    expect((await fetch(`${stack.baseUrl}/xapi/statements`)).status).toBe(401);
    const launch = (await learner.request("POST", "/api/courses/tincan/launch", { json: {} })).json.launch;
    const bad = await xapi(launch.xapi.auth)("POST", "statements", { actor: {}, object: { id: "x" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain("statement.verb is required");
  });

  it("keeps state and activity profile documents", async () => {
    const launch = (await learner.request("POST", "/api/courses/tincan/launch", { json: {} })).json.launch;
    const call = xapi(launch.xapi.auth);
    const query = new URLSearchParams({
      activityId: launch.xapi.activityId,
      agent: JSON.stringify(launch.xapi.actor),
      registration: launch.attemptId,
      stateId: "bookmark",
    });
    expect((await call("PUT", `activities/state?${query}`, { page: 1, score: 10 })).status).toBe(204);
    expect((await call("POST", `activities/state?${query}`, { page: 2 })).status).toBe(204);
    const state = await call("GET", `activities/state?${query}`);
    expect(state.headers.get("etag")).toMatch(/^"[0-9a-f]{40}"$/);
    expect(await state.json()).toEqual({ page: 2, score: 10 });
    expect((await call("DELETE", `activities/state?${query}`)).status).toBe(204);
    expect((await call("GET", `activities/state?${query}`)).status).toBe(404);
    const profile = new URLSearchParams({ activityId: launch.xapi.activityId, profileId: "notes" });
    expect(
      (await call("PUT", `activities/profile?${profile}`, undefined, { "content-type": "text/plain" }))
        .status,
    ).toBe(204);
    expect((await call("GET", `activities/state?${new URLSearchParams({ stateId: "x" })}`)).status).toBe(400);
  });
});

describe("cmi5 launch", () => {
  it("gives launch parameters, a one-time fetch URL, LMS.LaunchData and a launched statement", async () => {
    const launch = (await learner.request("POST", "/api/courses/cmi5/launch", { json: {} })).json.launch;
    const url = new URL(launch.contentUrl, stack.baseUrl);
    for (const name of ["endpoint", "fetch", "actor", "registration", "activityId"])
      expect(url.searchParams.get(name), name).toBeTruthy();
    const actor = JSON.parse(url.searchParams.get("actor") as string);
    expect(actor.account).toEqual({ homePage: stack.baseUrl, name: "learner1" });
    const fetched = await fetch(url.searchParams.get("fetch") as string, { method: "POST" });
    const token = ((await fetched.json()) as { "auth-token": string })["auth-token"];
    expect(token).toBeTruthy();
    const second = (await (
      await fetch(url.searchParams.get("fetch") as string, { method: "POST" })
    ).json()) as Record<string, string>;
    expect(second["error-code"]).toBe("1");
    const call = xapi(`Basic ${token}`);
    const query = new URLSearchParams({
      activityId: url.searchParams.get("activityId") as string,
      agent: JSON.stringify(actor),
      registration: launch.attemptId,
      stateId: "LMS.LaunchData",
    });
    const launchData = (await (await call("GET", `activities/state?${query}`)).json()) as Record<
      string,
      unknown
    >;
    expect(launchData).toMatchObject({
      launchMode: "Normal",
      moveOn: expect.any(String),
      contextTemplate: {
        extensions: { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": launch.cmi5.sessionId },
      },
    });
    const { rows } = await stack.db.query("SELECT verb FROM statements WHERE registration = $1", [
      launch.attemptId,
    ]);
    expect(rows.map((r) => r.verb)).toContain("http://adlnet.gov/expapi/verbs/launched");
  });
});

describe("AICC HACP", () => {
  const hacp = (fields: Record<string, string>, run?: string) =>
    fetch(`${stack.baseUrl}/aicc/hacp`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...(run ? { "x-load-run": run } : {}) },
      body: new URLSearchParams(fields).toString(),
    }).then((r) => r.text());

  it("answers GetParam, stores PutParam and returns it on the next GetParam", async () => {
    const launch = (await learner.request("POST", "/api/courses/aicc/launch", { json: {} })).json.launch;
    const url = new URL(launch.contentUrl, stack.baseUrl);
    expect(url.searchParams.get("aicc_url")).toBe(`${stack.baseUrl}/aicc/hacp`);
    const sid = url.searchParams.get("aicc_sid") as string;
    expect(await hacp({ command: "GetParam", version: "2.2", session_id: sid })).toMatch(
      /^error=0\r\n[\s\S]*Student_ID=learner1[\s\S]*Lesson_Status=N/,
    );
    const data =
      "[Core]\r\nLesson_Location=p4\r\nLesson_Status=passed\r\nScore=91\r\nTime=00:02:00\r\n[Core_Lesson]\r\nsaved-state";
    expect(
      await hacp({ COMMAND: "PutParam", version: "2.2", SESSION_ID: sid, AICC_Data: data }, "run-aicc"),
    ).toMatch(/^error=0/);
    const again = await hacp({ command: "getparam", session_id: sid });
    expect(again).toContain("Lesson_Location=p4");
    expect(again).toContain("saved-state");
    const { rows } = await stack.db.query(
      "SELECT kind, success_status, score, load_run FROM commits WHERE attempt_id = $1",
      [launch.attemptId],
    );
    expect(rows).toEqual([{ kind: "aicc", success_status: "passed", score: 91, load_run: "run-aicc" }]);
    expect((await admin.request("GET", "/api/admin/runs/run-aicc")).json).toMatchObject({
      commits: 1,
      commitsByKind: { aicc: 1 },
    });
  });

  it("reports a bad session id and a bad command in the HACP way", async () => {
    expect(await hacp({ command: "GetParam", session_id: randomUUID() })).toMatch(
      /^error=3\r\nerror_text=Invalid Session ID/,
    );
    expect(await hacp({ command: "Format", session_id: randomUUID() })).toMatch(/^error=1\r\n/);
  });
});
