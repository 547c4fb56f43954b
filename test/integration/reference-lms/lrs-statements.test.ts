import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTOR, createClient, type Lrs, startLrs, statement, VERB } from "./lrs.ts";

// Written from the xAPI 1.0.3 specification (part 2: statements; part 3: the statement resource):
// a valid and an invalid case per rule, through the HTTP API of a running LMS + PostgreSQL.

let lrs: Lrs;
beforeAll(async () => {
  lrs = await startLrs();
});
afterAll(async () => {
  await lrs?.stack.stop();
});

const post = (body: unknown) => lrs.call("POST", "statements", { json: body });

describe("statement validation (part 2, section 2)", () => {
  const rules: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
    [
      "actor objectType is Agent or Group",
      { actor: ACTOR },
      { actor: { ...ACTOR, objectType: "Agentx" } },
      /actor/,
    ],
    [
      "an Agent has exactly one inverse functional identifier",
      { actor: { account: { homePage: "http://example.com", name: "ann" } } },
      { actor: { mbox: "mailto:ann@example.com", openid: "http://example.com/ann" } },
      /exactly one of mbox/,
    ],
    [
      "mbox is a mailto IRI",
      { actor: { mbox: "mailto:a@example.com" } },
      { actor: { mbox: "a@example.com" } },
      /mbox/,
    ],
    ["verb.id is an IRI", { verb: VERB }, { verb: { id: "attempted" } }, /verb\.id/],
    [
      "display is a language map",
      { verb: { id: VERB.id, display: { "en-GB": "tried" } } },
      { verb: { id: VERB.id, display: { "not a tag": "tried" } } },
      /verb\.display/,
    ],
    ["object.id is an IRI", {}, { object: { id: "no iri here" } }, /object/],
    [
      "result.duration is an ISO 8601 duration",
      { result: { duration: "PT1H30M" } },
      { result: { duration: "90 minutes" } },
      /duration/,
    ],
    [
      "score.scaled lies in -1..1",
      { result: { score: { scaled: 0.5 } } },
      { result: { score: { scaled: 2 } } },
      /scaled/,
    ],
    [
      "timestamp is an ISO 8601 date-time",
      { timestamp: "2026-01-02T03:04:05.000Z" },
      { timestamp: "yesterday" },
      /timestamp/,
    ],
    ["id is a UUID", { id: randomUUID() }, { id: "statement-1" }, /statement\.id/],
    ["no properties beyond the spec's", {}, { colour: "blue" }, /colour/],
    ["version is 1.0.x", { version: "1.0.3" }, { version: "2.0.0" }, /version/],
    ["no null values", {}, { context: null }, /context/],
    [
      "context.platform only for Activity objects",
      { context: { platform: "web" } },
      { object: { objectType: "Agent", mbox: "mailto:b@example.com" }, context: { platform: "web" } },
      /platform/,
    ],
    [
      "a SubStatement holds no SubStatement",
      {
        object: {
          objectType: "SubStatement",
          actor: ACTOR,
          verb: VERB,
          object: { id: "http://example.com/a" },
        },
      },
      {
        object: {
          objectType: "SubStatement",
          actor: ACTOR,
          verb: VERB,
          object: {
            objectType: "SubStatement",
            actor: ACTOR,
            verb: VERB,
            object: { id: "http://example.com/a" },
          },
        },
      },
      /SubStatement/,
    ],
    [
      "extension keys are IRIs",
      { result: { extensions: { "http://example.com/ext": 1 } } },
      { result: { extensions: { progress: 1 } } },
      /extensions/,
    ],
    [
      "an anonymous Group lists its members",
      { actor: { objectType: "Group", member: [ACTOR] } },
      { actor: { objectType: "Group" } },
      /Group needs members/,
    ],
    [
      "a voiding statement's object is a StatementRef",
      {
        verb: { id: "http://adlnet.gov/expapi/verbs/voided" },
        object: { objectType: "StatementRef", id: randomUUID() },
      },
      { verb: { id: "http://adlnet.gov/expapi/verbs/voided" }, object: { id: "http://example.com/a" } },
      /StatementRef/,
    ],
  ];
  it.each(rules)("%s", async (_rule, valid, invalid, message) => {
    const ok = await post(statement(valid));
    expect(ok.status, ok.text).toBe(200);
    const refused = await post(statement(invalid));
    expect(refused.status).toBe(400);
    expect(refused.json.message).toMatch(message);
  });

  it("refuses a whole batch when one statement is bad, and stores nothing of it", async () => {
    const good = statement({ id: randomUUID() });
    const refused = await post([good, statement({ verb: { id: "bad" } })]);
    expect(refused.status).toBe(400);
    expect(refused.json.message).toMatch(/^statement 1: /);
    const { rows } = await lrs.stack.db.query("SELECT count(*)::int AS n FROM statements WHERE id = $1", [
      good.id,
    ]);
    expect(rows[0].n).toBe(0);
  });
});

describe("storing statements (part 3, 2.1)", () => {
  it("answers POST with the ids, fills id, stored, timestamp, version and authority, durably", async () => {
    const reply = await post([statement(), statement()]);
    expect(reply.status).toBe(200);
    expect(reply.json).toHaveLength(2);
    const { rows } = await lrs.stack.db.query("SELECT statement FROM statements WHERE id = $1", [
      reply.json[0],
    ]);
    expect(rows[0].statement).toMatchObject({
      id: reply.json[0],
      version: "1.0.0",
      stored: expect.any(String),
      timestamp: expect.any(String),
      authority: { objectType: "Agent", name: "conformance", account: { homePage: lrs.stack.baseUrl } },
    });
  });

  it("PUT stores under statementId; the same content again is accepted, other content is a 409", async () => {
    const id = randomUUID();
    const body = statement();
    expect((await lrs.call("PUT", `statements?statementId=${id}`, { json: body })).status).toBe(204);
    expect((await lrs.call("PUT", `statements?statementId=${id}`, { json: body })).status).toBe(204);
    const other = await lrs.call("PUT", `statements?statementId=${id}`, { json: statement() });
    expect(other.status).toBe(409);
    expect((await post({ ...statement(), id })).status).toBe(409);
    expect((await lrs.call("PUT", "statements", { json: body })).status).toBe(400);
    const mismatch = await lrs.call("PUT", `statements?statementId=${randomUUID()}`, {
      json: { ...body, id },
    });
    expect(mismatch.status).toBe(400);
  });

  it("refuses bodies that are not JSON statements", async () => {
    expect(
      (await lrs.call("POST", "statements", { body: "{", headers: { "content-type": "application/json" } }))
        .status,
    ).toBe(400);
    expect(
      (await lrs.call("POST", "statements", { body: "x", headers: { "content-type": "text/plain" } })).status,
    ).toBe(400);
    expect((await post([])).status).toBe(400);
  });
});

describe("headers (part 3, 1.2 and 2.1.3)", () => {
  it("requires X-Experience-API-Version 1.0.x on every request but /about, and sends its own", async () => {
    const missing = await lrs.call("GET", "statements", { noVersion: true });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/X-Experience-API-Version/);
    expect(
      (await lrs.call("GET", "statements", { headers: { "x-experience-api-version": "0.95" } })).status,
    ).toBe(400);
    const ok = await lrs.call("GET", "statements", { headers: { "x-experience-api-version": "1.0.1" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-experience-api-version")).toBe("1.0.3");
    expect((await lrs.call("GET", "about", { noVersion: true, auth: null })).status).toBe(200);
  });

  it("sends X-Experience-API-Consistent-Through on statement GETs", async () => {
    const reply = await lrs.call("GET", "statements?limit=1");
    const through = reply.headers.get("x-experience-api-consistent-through");
    expect(Number.isNaN(Date.parse(through ?? ""))).toBe(false);
  });
});

describe("credentials and scopes (part 4)", () => {
  it("refuses missing or wrong credentials, and writes beyond a read-only scope", async () => {
    expect((await lrs.call("GET", "statements", { auth: null })).status).toBe(401);
    expect((await lrs.call("GET", "statements", { auth: "Basic bHJzLnh4eHg6bm9wZQ==" })).status).toBe(401);
    const reader = await createClient(lrs.admin, ["statements/read"], "reader");
    expect((await lrs.call("GET", "statements?limit=1", { auth: reader.auth })).status).toBe(200);
    const write = await lrs.call("POST", "statements", { json: statement(), auth: reader.auth });
    expect(write.status).toBe(403);
  });

  it("stores only the secret's hash, and a revoked key stops working", async () => {
    const made = await createClient(lrs.admin, ["all"], "revoke-me");
    const { rows } = await lrs.stack.db.query("SELECT * FROM xapi_clients WHERE key = $1", [made.key]);
    expect(JSON.stringify(rows)).not.toContain(made.secret);
    expect((await lrs.call("GET", "statements?limit=1", { auth: made.auth })).status).toBe(200);
    expect((await lrs.admin.request("DELETE", `/api/admin/xapi-clients/${made.key}`)).status).toBe(204);
    expect((await lrs.admin.request("DELETE", `/api/admin/xapi-clients/${made.key}`)).status).toBe(404);
    expect((await lrs.call("GET", "statements?limit=1", { auth: made.auth })).status).toBe(401);
  });
});
