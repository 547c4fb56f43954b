import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRealCourses, realCourse, zipFixture } from "../../helpers/course-fixtures.ts";
import { LmsClient } from "./client.ts";
import { type Lrs, query, startLrs } from "./lrs.ts";
import { makeZip } from "./zip.ts";

// The cmi5 launch rules the LMS enforces on top of its xAPI 1.0.3 LRS (cmi5 sections 9 and 10), with the
// hand-written cmi5 course, one with a masteryScore made here, and the real cmi5 package when COURSE_FIXTURES is set.

let lrs: Lrs;
let learner: LmsClient;
const CATEGORY = { id: "https://w3id.org/xapi/cmi5/context/categories/cmi5" };
const SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
const verb = (name: string) => ({ id: `http://adlnet.gov/expapi/verbs/${name}` });
const SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied";

const masteryCourse = () =>
  makeZip([
    {
      name: "cmi5.xml",
      data: `<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/courses/mastery"><title><langstring lang="en-US">Mastery</langstring></title>
    <description><langstring lang="en-US">A quiz.</langstring></description></course>
  <au id="https://example.com/courses/mastery/quiz" moveOn="Passed" masteryScore="0.8">
    <title><langstring lang="en-US">Quiz</langstring></title><description><langstring lang="en-US">Q</langstring></description>
    <url>index.html</url></au>
</courseStructure>`,
    },
    { name: "index.html", data: "<!doctype html><title>quiz</title>" },
  ]);

beforeAll(async () => {
  lrs = await startLrs();
  for (const [id, zip] of [
    ["basic", await zipFixture("cmi5-basic")],
    ["mastery", masteryCourse()],
  ] as const) {
    const installed = await lrs.admin.install(zip, `?id=${id}`);
    if (installed.status !== 201) throw new Error(`install ${id}: ${installed.status} ${installed.text}`);
  }
  await lrs.admin.request("POST", "/api/admin/learners", {
    json: { prefix: "au", count: 2, password: "learner-pass" },
  });
  learner = new LmsClient(lrs.stack.baseUrl);
  await learner.login("au1", "learner-pass");
});
afterAll(async () => {
  await lrs?.stack.stop();
});

/** Launches an AU as the learner's browser would, and sends statements as its cmi5 runtime does. */
async function launchAu(courseId: string) {
  const launch = (await learner.request("POST", `/api/courses/${courseId}/launch`, { json: {} })).json.launch;
  const url = new URL(launch.contentUrl, lrs.stack.baseUrl);
  const fetched = await fetch(url.searchParams.get("fetch") as string, { method: "POST" });
  const auth = `Basic ${((await fetched.json()) as { "auth-token": string })["auth-token"]}`;
  const actor = JSON.parse(url.searchParams.get("actor") as string);
  const registration = url.searchParams.get("registration") as string;
  const activityId = url.searchParams.get("activityId") as string;
  const send = (name: string, extra: Record<string, unknown> = {}, defined = true) =>
    lrs.call("POST", "statements", {
      auth,
      json: {
        actor,
        verb: verb(name),
        object: { id: activityId, objectType: "Activity" },
        context: {
          registration,
          extensions: { [SESSION]: launch.cmi5.sessionId },
          ...(defined ? { contextActivities: { category: [CATEGORY] } } : {}),
        },
        ...extra,
      },
    });
  const satisfied = async () => {
    const found = await lrs.call("GET", `statements?${query({ verb: SATISFIED, registration })}`);
    return found.json.statements as { object: { id: string }; authority: { name: string } }[];
  };
  return { launch, registration, send, satisfied };
}

describe("cmi5 session rules", () => {
  it("holds the order launched, initialized, terminated, and refuses statements of a terminated session", async () => {
    const au = await launchAu("basic");
    expect((await au.send("experienced", {}, false)).status).toBe(200);
    const early = await au.send("completed");
    expect(early.status).toBe(403);
    expect(early.json.message).toMatch(/initialized first/);
    expect((await au.send("initialized")).status).toBe(200);
    expect((await au.send("initialized")).status).toBe(403);
    expect((await au.send("terminated")).status).toBe(200);
    expect((await au.send("experienced", {}, false)).status).toBe(403);
  });

  it("issues satisfied for the course once moveOn (CompletedOrPassed) is met, and only the LMS may", async () => {
    const au = await launchAu("basic");
    expect((await au.send("initialized")).status).toBe(200);
    expect(await au.satisfied()).toEqual([]);
    expect((await au.send("completed")).status).toBe(200);
    expect((await au.send("completed")).status).toBe(403);
    const satisfied = await au.satisfied();
    expect(satisfied).toHaveLength(1);
    expect(satisfied[0]?.object.id).toBe("https://example.com/courses/cmi5-basic");
    expect(satisfied[0]?.authority.name).toBe("reference-lms");
    const forged = await au.send("x", { verb: { id: SATISFIED } });
    expect(forged.status).toBe(403);
  });

  it("holds passed and failed to the masteryScore", async () => {
    const au = await launchAu("mastery");
    expect((await au.send("initialized")).status).toBe(200);
    expect((await au.send("passed", { result: { success: true } })).status).toBe(403);
    const low = await au.send("passed", { result: { score: { scaled: 0.5 }, success: true } });
    expect(low.status).toBe(403);
    expect(low.json.message).toMatch(/below the masteryScore 0.8/);
    expect((await au.send("failed", { result: { score: { scaled: 0.9 }, success: false } })).status).toBe(
      403,
    );
    expect((await au.send("failed", { result: { score: { scaled: 0.5 }, success: false } })).status).toBe(
      200,
    );
    expect(await au.satisfied()).toEqual([]);
    expect((await au.send("passed", { result: { score: { scaled: 0.85 }, success: true } })).status).toBe(
      200,
    );
    expect(await au.satisfied()).toHaveLength(1);
  });
});

describeRealCourses("cmi5 rules with the real cmi5 package", () => {
  it("installs it, launches its AU and takes its session from initialized to satisfied", async () => {
    const zip = await readFile(realCourse("cmi5_single_au_basic_framed.zip"));
    expect((await lrs.admin.install(zip, "?id=geology")).status).toBe(201);
    const au = await launchAu("geology");
    const launchData = await lrs.call(
      "GET",
      `activities/state?${query({ activityId: au.launch.xapi.activityId, agent: au.launch.xapi.actor, registration: au.registration, stateId: "LMS.LaunchData" })}`,
    );
    expect(launchData.json).toMatchObject({ moveOn: "CompletedOrPassed", launchMode: "Normal" });
    expect((await au.send("initialized")).status).toBe(200);
    expect((await au.send("completed", { result: { completion: true, duration: "PT2M" } })).status).toBe(200);
    expect((await au.send("terminated", { result: { duration: "PT3M" } })).status).toBe(200);
    const satisfied = await au.satisfied();
    expect(satisfied[0]?.object.id).toBe(
      "https://w3id.org/xapi/cmi5/catapult/lts/course/geology-intro-single-au-basic",
    );
  });
});
