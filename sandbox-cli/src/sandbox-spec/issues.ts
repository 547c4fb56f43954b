import type { z } from "zod";

/** "sites[0].downlinkMbps" from ["sites", 0, "downlinkMbps"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path)
    out += typeof segment === "number" ? `[${segment}]` : `${out ? "." : ""}${String(segment)}`;
  return out || "(top level)";
}

/** One readable line for a zod issue: where, what is wrong, what is allowed. */
export function describeIssue(issue: z.core.$ZodIssue, allowedKeys?: readonly string[]): string {
  const where = formatPath(issue.path);
  switch (issue.code) {
    case "unrecognized_keys":
      return `${where}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}${
        allowedKeys?.length ? `; allowed keys: ${allowedKeys.join(", ")}` : ""
      }`;
    case "invalid_value":
      return `${where}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_type":
      return issue.message.includes("received undefined")
        ? `${where}: is required (expected ${issue.expected})`
        : `${where}: expected ${issue.expected}`;
    case "too_small":
      return `${where}: ${issue.origin === "array" ? `needs at least ${issue.minimum} item(s)` : issue.origin === "string" ? "must not be empty" : `must be ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`}`;
    case "too_big":
      return `${where}: ${issue.origin === "array" ? `allows at most ${issue.maximum} item(s)` : `must be ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`}`;
    case "invalid_union": {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (!discriminator) return `${where}: ${issue.message}`;
      const at = issue.path.at(-1) === discriminator ? where : `${where}.${discriminator}`;
      return `${at}: must be one of the supported kinds (docker, kubernetes)`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}

type AnySchema = z.core.$ZodType;

function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = current._zod.def as { innerType?: AnySchema; in?: AnySchema; type: string };
    if (def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else break;
  }
  return current;
}

function keysOf(schema: AnySchema): string[] {
  const def = unwrap(schema)._zod.def as { shape?: Record<string, AnySchema>; options?: AnySchema[] };
  if (def.shape) return Object.keys(def.shape);
  if (def.options) return [...new Set(def.options.flatMap(keysOf))];
  return [];
}

function child(schema: AnySchema, segment: PropertyKey): AnySchema | undefined {
  const def = unwrap(schema)._zod.def as {
    shape?: Record<string, AnySchema>;
    element?: AnySchema;
    options?: AnySchema[];
  };
  if (typeof segment === "number") return def.element;
  if (def.shape) return def.shape[String(segment)];
  for (const option of def.options ?? []) {
    const found = child(option, segment);
    if (found) return found;
  }
  return undefined;
}

/** The keys a strict object at `path` accepts, for "allowed keys: ..." in messages. */
export function allowedKeysAt(root: AnySchema, path: readonly PropertyKey[]): string[] {
  let schema: AnySchema | undefined = root;
  for (const segment of path) {
    schema = schema ? child(schema, segment) : undefined;
  }
  return schema ? keysOf(schema) : [];
}
