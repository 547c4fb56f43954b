import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTOR, type Lrs, query, startLrs, statement } from "./lrs.ts";

// xAPI 1.0.3 part 3: documents and concurrency (1.5.3, 2.2-2.6), /about, HEAD, alternate syntax (1.3).

let lrs: Lrs;
beforeAll(async () => {
  lrs = await startLrs();
});
afterAll(async () => {
  await lrs?.stack.stop();
});

const activityId = () => `http://example.com/activities/${randomUUID()}`;
const doc = (method: string, path: string, params: Record<string, unknown>, options = {}) =>
  lrs.call(method, `${path}?${query(params)}`, options);

describe("document concurrency with ETags", () => {
  const resources: [string, string, () => Record<string, unknown>][] = [
    ["state", "activities/state", () => ({ activityId: activityId(), agent: ACTOR, stateId: "s1" })],
    ["activity profile", "activities/profile", () => ({ activityId: activityId(), profileId: "p1" })],
    [
      "agent profile",
      "agents/profile",
      () => ({ agent: { mbox: `mailto:${randomUUID()}@example.com` }, profileId: "p1" }),
    ],
  ];

  it.each(resources)(
    "%s: If-Match and If-None-Match decide writes (412 when they do not hold)",
    async (_n, path, at) => {
      const params = at();
      const create = await doc("PUT", path, params, { json: { a: 1 }, headers: { "if-none-match": "*" } });
      expect(create.status, create.text).toBe(204);
      const read = await doc("GET", path, params);
      const etag = read.headers.get("etag") as string;
      expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
      expect(read.headers.get("last-modified")).toBeTruthy();
      expect(
        (await doc("PUT", path, params, { json: { a: 2 }, headers: { "if-none-match": "*" } })).status,
      ).toBe(412);
      expect(
        (await doc("PUT", path, params, { json: { a: 2 }, headers: { "if-match": '"0000"' } })).status,
      ).toBe(412);
      expect((await doc("PUT", path, params, { json: { a: 2 }, headers: { "if-match": etag } })).status).toBe(
        204,
      );
      expect((await doc("GET", path, params)).json).toEqual({ a: 2 });
      expect(
        (await doc("POST", path, params, { json: { b: 3 }, headers: { "if-match": etag } })).status,
      ).toBe(412);
      expect((await doc("DELETE", path, params, { headers: { "if-match": etag } })).status).toBe(412);
      const fresh = (await doc("GET", path, params)).headers.get("etag") as string;
      expect((await doc("DELETE", path, params, { headers: { "if-match": fresh } })).status).toBe(204);
      expect((await doc("GET", path, params)).status).toBe(404);
      const absent = await doc("PUT", path, params, { json: { a: 1 }, headers: { "if-match": fresh } });
      expect(absent.status).toBe(412);
    },
  );

  it.each(resources.slice(1))(
    "%s: a PUT over an existing document without either header is a 409",
    async (_n, path, at) => {
      const params = at();
      expect((await doc("PUT", path, params, { json: { a: 1 } })).status).toBe(204);
      const blind = await doc("PUT", path, params, { json: { a: 2 } });
      expect(blind.status).toBe(409);
      expect((await doc("GET", path, params)).json).toEqual({ a: 1 });
    },
  );

  it("state: PUT without headers replaces, POST merges JSON objects, ids list honours since", async () => {
    const params = {
      activityId: activityId(),
      agent: ACTOR,
      registration: randomUUID(),
      stateId: "bookmark",
    };
    expect((await doc("PUT", "activities/state", params, { json: { page: 1, score: 10 } })).status).toBe(204);
    expect((await doc("PUT", "activities/state", params, { json: { page: 1, score: 10 } })).status).toBe(204);
    expect((await doc("POST", "activities/state", params, { json: { page: 2 } })).status).toBe(204);
    expect((await doc("GET", "activities/state", params)).json).toEqual({ page: 2, score: 10 });
    const notJson = await doc("POST", "activities/state", params, {
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    expect(notJson.status).toBe(400);
    const { stateId: _s, ...all } = params;
    expect((await doc("GET", "activities/state", all)).json).toEqual(["bookmark"]);
    expect(
      (await doc("GET", "activities/state", { ...all, since: new Date(Date.now() + 60_000).toISOString() }))
        .json,
    ).toEqual([]);
  });

  it("refuses documents without their address, with a bad agent or a non-UUID registration", async () => {
    expect((await doc("GET", "activities/state", { stateId: "x", agent: ACTOR })).status).toBe(400);
    expect(
      (await doc("GET", "activities/state", { activityId: activityId(), agent: { name: "x" }, stateId: "x" }))
        .status,
    ).toBe(400);
    const badRegistration = { activityId: activityId(), agent: ACTOR, registration: "r1", stateId: "x" };
    expect((await doc("GET", "activities/state", badRegistration)).status).toBe(400);
    expect((await doc("DELETE", "agents/profile", { agent: ACTOR })).status).toBe(400);
  });
});

describe("/about, /agents, /activities and HEAD", () => {
  it("/about lists 1.0.3 without credentials", async () => {
    const about = await lrs.call("GET", "about", { auth: null, noVersion: true });
    expect(about.json.version).toContain("1.0.3");
  });

  it("/agents answers a Person; /activities the canonical definition", async () => {
    const id = activityId();
    const definition = { name: { "en-US": "Quiz" }, type: "http://adlnet.gov/expapi/activities/assessment" };
    expect(
      (await lrs.call("POST", "statements", { json: statement({ object: { id, definition } }) })).status,
    ).toBe(200);
    const activity = await lrs.call("GET", `activities?${query({ activityId: id })}`);
    expect(activity.json).toEqual({ objectType: "Activity", id, definition });
    expect((await lrs.call("GET", "activities")).status).toBe(400);
    const person = await lrs.call("GET", `agents?${query({ agent: { mbox: ACTOR.mbox } })}`);
    expect(person.json).toEqual({ objectType: "Person", name: [ACTOR.name], mbox: [ACTOR.mbox] });
    expect((await lrs.call("GET", `agents?${query({ agent: { name: "x" } })}`)).status).toBe(400);
  });

  it("HEAD answers like GET without a body", async () => {
    for (const path of ["statements?limit=1", "about", `activities?${query({ activityId: activityId() })}`]) {
      const head = await lrs.call("HEAD", path);
      expect(head.status, path).toBe(200);
      expect(head.text).toBe("");
      expect(head.headers.get("x-experience-api-version")).toBe("1.0.3");
    }
    expect((await lrs.call("HEAD", "statements", { auth: null })).status).toBe(401);
  });
});

describe("alternate request syntax (part 3, 1.3)", () => {
  const form = (method: string, path: string, fields: Record<string, string>) =>
    lrs.call("POST", `${path}?method=${method}`, {
      noVersion: true,
      auth: null,
      body: new URLSearchParams(fields).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });

  it("runs a PUT and a GET sent as form posts", async () => {
    const id = randomUUID();
    const fields = { Authorization: lrs.auth, "X-Experience-API-Version": "1.0.3" };
    const put = await form("PUT", "statements", {
      ...fields,
      "Content-Type": "application/json",
      statementId: id,
      content: JSON.stringify(statement()),
    });
    expect(put.status, put.text).toBe(204);
    const got = await form("GET", "statements", { ...fields, statementId: id });
    expect(got.status).toBe(200);
    expect(got.json.id).toBe(id);
    const anonymous = { "X-Experience-API-Version": "1.0.3", statementId: id };
    expect((await form("GET", "statements", anonymous)).status).toBe(401);
  });

  it("refuses parameters in the query string beside method, and unknown methods", async () => {
    const extra = await lrs.call("POST", `statements?method=GET&statementId=${randomUUID()}`, {
      body: "",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(extra.status).toBe(400);
    const fields = { Authorization: lrs.auth, "X-Experience-API-Version": "1.0.3" };
    expect((await form("PATCH", "statements", fields)).status).toBe(400);
  });
});
