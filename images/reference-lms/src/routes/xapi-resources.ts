import type { FastifyInstance } from "fastify";
import { type Agent, agentKey } from "../agents.ts";
import type { AppContext } from "../context.ts";
import { XapiError } from "../xapi/store.ts";
import { agentProblems } from "../xapi/validation.ts";

/** /about, /agents (a Person) and /activities (the canonical Activity) of xAPI 1.0.3 part 3, 2.4-2.6. */

export const SUPPORTED_VERSIONS = ["1.0.3", "1.0.2", "1.0.1", "1.0.0"];

export function parseAgent(raw: string | undefined): Agent {
  if (raw === undefined) throw new XapiError(400, "agent is required (a JSON Agent)");
  let agent: unknown;
  try {
    agent = JSON.parse(raw);
  } catch {
    throw new XapiError(400, 'agent must be a JSON Agent, e.g. {"mbox":"mailto:a@example.com"}');
  }
  const problems = agentProblems(agent);
  if (problems.length > 0) throw new XapiError(400, problems.join("; "));
  return agent as Agent;
}

export function resourceRoutes(xapi: FastifyInstance, ctx: AppContext): void {
  xapi.get("/xapi/about", async () => ({
    version: SUPPORTED_VERSIONS,
    extensions: { "https://elearning-sandbox.invalid/xapi/lrs": { name: "reference-lms" } },
  }));

  xapi.get("/xapi/agents", async (request) => {
    const agent = parseAgent((request.query as Record<string, string>).agent);
    const key = agentKey(agent) as string;
    const { rows } = await ctx.db.query<{ name: string }>(
      `SELECT DISTINCT statement->'actor'->>'name' AS name FROM statements
       WHERE $1 = ANY(agents) AND statement->'actor'->>'name' IS NOT NULL LIMIT 20`,
      [key],
    );
    const names = [...new Set([...(agent.name ? [agent.name] : []), ...rows.map((r) => r.name)])];
    const person: Record<string, unknown> = { objectType: "Person" };
    if (names.length > 0) person.name = names;
    for (const ifi of ["mbox", "mbox_sha1sum", "openid", "account"] as const)
      if (agent[ifi] !== undefined) person[ifi] = [agent[ifi]];
    return person;
  });

  xapi.get("/xapi/activities", async (request) => {
    const { activityId, ...rest } = request.query as Record<string, string>;
    if (!activityId) throw new XapiError(400, "activityId is required");
    if (Object.keys(rest).length > 0)
      throw new XapiError(400, `unknown parameter(s) ${Object.keys(rest).join(", ")}`);
    const { rows } = await ctx.db.query<{ definition: unknown }>(
      "SELECT definition FROM xapi_activities WHERE id = $1",
      [activityId],
    );
    return { objectType: "Activity", id: activityId, ...(rows[0] ? { definition: rows[0].definition } : {}) };
  });

  // POST to the read-only resources is only the alternate request syntax (handled before the route).
  for (const path of ["/xapi/about", "/xapi/agents", "/xapi/activities"])
    xapi.post(path, async () => {
      throw new XapiError(405, `${path} is read-only: use GET (or POST with ?method=GET)`);
    });
}
