import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTOR, type Lrs, query, startLrs, statement, VERB } from "./lrs.ts";

// xAPI 1.0.3 part 3, 2.1.3 (GET statements) and part 2, 2.3.2 (voiding), through a running LMS.

let lrs: Lrs;
beforeAll(async () => {
  lrs = await startLrs();
});
afterAll(async () => {
  await lrs?.stack.stop();
});

const get = (params: Record<string, unknown>, headers: Record<string, string> = {}) =>
  lrs.call("GET", `statements?${query(params)}`, { headers });
const store = async (body: unknown) => {
  const reply = await lrs.call("POST", "statements", { json: body });
  if (reply.status !== 200) throw new Error(`store: ${reply.status} ${reply.text}`);
  return reply.json as string[];
};
const ids = (reply: { json: { statements: { id: string }[] } }) => reply.json.statements.map((s) => s.id);

describe("query parameters", () => {
  it("filters by agent, verb, activity and registration", async () => {
    const registration = randomUUID();
    const bob = { mbox: "mailto:bob@example.com" };
    const [a, b] = await store([
      statement({ context: { registration } }),
      statement({ actor: bob, context: { registration } }),
    ]);
    expect(ids(await get({ registration, agent: bob }))).toEqual([b]);
    expect(ids(await get({ registration, verb: VERB.id, ascending: "true" }))).toEqual([a, b]);
    const one = (await lrs.call("GET", `statements?statementId=${a}`)).json;
    expect(ids(await get({ activity: one.object.id }))).toEqual([a]);
    expect(ids(await get({ registration, verb: "http://adlnet.gov/expapi/verbs/passed" }))).toEqual([]);
  });

  it("related_activities and related_agents widen the filters", async () => {
    const parent = `http://example.com/parents/${randomUUID()}`;
    const teacher = { mbox: `mailto:${randomUUID()}@example.com` };
    const [id] = await store(
      statement({ context: { contextActivities: { parent: [{ id: parent }] }, instructor: teacher } }),
    );
    expect(ids(await get({ activity: parent }))).toEqual([]);
    expect(ids(await get({ activity: parent, related_activities: "true" }))).toEqual([id]);
    expect(ids(await get({ agent: teacher }))).toEqual([]);
    expect(ids(await get({ agent: teacher, related_agents: "true" }))).toEqual([id]);
  });

  it("since and until bound the stored time; ascending orders oldest first", async () => {
    const registration = randomUUID();
    const [first] = await store(statement({ context: { registration } }));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [second] = await store(statement({ context: { registration } }));
    expect(ids(await get({ registration, until: between }))).toEqual([first]);
    expect(ids(await get({ registration, since: between }))).toEqual([second]);
    expect(ids(await get({ registration }))).toEqual([second, first]);
    expect(ids(await get({ registration, ascending: "true" }))).toEqual([first, second]);
  });

  it("pages with a stable more cursor: no statement twice, none missed, later ones not mixed in", async () => {
    const registration = randomUUID();
    const stored = await store(Array.from({ length: 5 }, () => statement({ context: { registration } })));
    const first = await get({ registration, limit: "2", ascending: "true" });
    expect(ids(first)).toEqual(stored.slice(0, 2));
    expect(first.json.more).toMatch(/^\/xapi\/statements\?more=/);
    await store(statement({ context: { registration } }));
    const seen = [...ids(first)];
    let more: string = first.json.more;
    while (more) {
      const page = await lrs.call("GET", more.replace(/^\/xapi\//, ""));
      expect(page.status).toBe(200);
      seen.push(...ids(page));
      more = page.json.more;
    }
    expect(seen).toEqual(stored);
    expect((await lrs.call("GET", "statements?more=not-a-cursor")).status).toBe(400);
  });

  it("format ids keeps identifiers only; canonical keeps one language per Accept-Language", async () => {
    const verb = { id: VERB.id, display: { "en-US": "attempted", "fr-FR": "essayé" } };
    const [id] = await store(statement({ verb }));
    const idsOnly = (await get({ statementId: id, format: "ids" })).json;
    expect(idsOnly.actor).toEqual({ objectType: "Agent", mbox: ACTOR.mbox });
    expect(idsOnly.verb).toEqual({ id: VERB.id });
    const french = (
      await get({ statementId: id, format: "canonical" }, { "accept-language": "fr-FR, en;q=0.5" })
    ).json;
    expect(french.verb.display).toEqual({ "fr-FR": "essayé" });
    expect((await get({ statementId: id, format: "exact" })).json.verb.display).toEqual(verb.display);
    expect((await get({ statementId: id, format: "short" })).status).toBe(400);
  });

  it("refuses bad parameters and a statement id combined with filters", async () => {
    const id = randomUUID();
    for (const params of [
      { statementId: id, verb: VERB.id },
      { statementId: id, voidedStatementId: id },
      { statementId: "not-a-uuid" },
      { limit: "-1" },
      { since: "yesterday" },
      { agent: '{"name":"no identifier"}' },
      { ascending: "yes" },
      { registration: "abc" },
      { colour: "blue" },
    ])
      expect((await get(params)).status, JSON.stringify(params)).toBe(400);
    expect((await get({ statementId: id, attachments: "false", format: "ids" })).status).toBe(404);
  });
});

describe("voiding (part 2, 2.3.2)", () => {
  const voiding = (target: string) =>
    statement({
      verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
      object: { objectType: "StatementRef", id: target },
    });

  it("hides a voided statement from queries; voidedStatementId still reaches it", async () => {
    const registration = randomUUID();
    const [target] = await store(statement({ context: { registration } }));
    const [voider] = await store(voiding(target as string));
    expect((await get({ statementId: target })).status).toBe(404);
    expect((await get({ voidedStatementId: target })).json.id).toBe(target);
    expect((await get({ voidedStatementId: voider })).status).toBe(404);
    expect(ids(await get({ registration }))).toEqual([]);
    expect((await get({ statementId: voider })).json.object).toEqual({
      objectType: "StatementRef",
      id: target,
    });
  });

  it("refuses to void a voiding statement, and accepts voiding a statement it has not seen", async () => {
    const [target] = await store(statement());
    const [voider] = await store(voiding(target as string));
    const again = await lrs.call("POST", "statements", { json: voiding(voider as string) });
    expect(again.status).toBe(400);
    expect(again.json.message).toMatch(/voiding statement/);
    expect((await lrs.call("POST", "statements", { json: voiding(randomUUID()) })).status).toBe(200);
  });
});
