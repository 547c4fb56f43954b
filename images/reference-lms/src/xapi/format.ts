import type { Format } from "./query.ts";

/** Pure: the `format` of statements in GET answers (xAPI 1.0.3 part 3, 2.1.3). */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);
const IFIS = ["mbox", "mbox_sha1sum", "openid", "account"] as const;

function idsOfActor(actor: Json): Json {
  const ifi = Object.fromEntries(IFIS.filter((k) => actor[k] !== undefined).map((k) => [k, actor[k]]));
  const out: Json = { ...(actor.objectType ? { objectType: actor.objectType } : {}), ...ifi };
  // An anonymous Group is identified by its members.
  if (actor.objectType === "Group" && Object.keys(ifi).length === 0 && Array.isArray(actor.member))
    out.member = actor.member.filter(isObject).map(idsOfActor);
  return out;
}

function idsOfObject(object: Json): Json {
  switch (object.objectType) {
    case "Agent":
    case "Group":
      return idsOfActor(object);
    case "StatementRef":
      return object;
    case "SubStatement":
      return idsOfStatement(object);
    default:
      return { ...(object.objectType ? { objectType: object.objectType } : {}), id: object.id };
  }
}

function idsOfContext(context: Json): Json {
  const out: Json = { ...context };
  if (isObject(context.instructor)) out.instructor = idsOfActor(context.instructor);
  if (isObject(context.team)) out.team = idsOfActor(context.team);
  if (isObject(context.contextActivities)) {
    out.contextActivities = Object.fromEntries(
      Object.entries(context.contextActivities).map(([kind, list]) => [
        kind,
        (Array.isArray(list) ? list : [list]).filter(isObject).map(idsOfObject),
      ]),
    );
  }
  return out;
}

function idsOfStatement(statement: Json): Json {
  const out: Json = { ...statement };
  if (isObject(statement.actor)) out.actor = idsOfActor(statement.actor);
  if (isObject(statement.verb)) out.verb = { id: statement.verb.id };
  if (isObject(statement.object)) out.object = idsOfObject(statement.object);
  if (isObject(statement.context)) out.context = idsOfContext(statement.context);
  if (isObject(statement.authority)) out.authority = idsOfActor(statement.authority);
  return out;
}

/** Accept-Language as an ordered list of lower-case tags ("*" last). */
export function languagePreferences(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

const LANGUAGE_MAPS = new Set(["display", "name", "description"]);

/** One entry per language map: the best match for the preferences, else the first one. */
function canonical(value: unknown, preferences: readonly string[], key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, preferences));
  if (!isObject(value)) return value;
  if (LANGUAGE_MAPS.has(key) && Object.values(value).every((v) => typeof v === "string")) {
    const tags = Object.keys(value);
    const pick =
      preferences
        .map((p) =>
          tags.find((t) => t.toLowerCase() === p || (p !== "*" && t.toLowerCase().startsWith(`${p}-`))),
        )
        .find(Boolean) ?? tags[0];
    return pick === undefined ? value : { [pick]: value[pick] };
  }
  if (key === "extensions") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v, preferences, k)]));
}

export function formatStatement(statement: Json, format: Format, acceptLanguage?: string): Json {
  if (format === "ids") return idsOfStatement(statement);
  if (format === "canonical") return canonical(statement, languagePreferences(acceptLanguage)) as Json;
  return statement;
}
