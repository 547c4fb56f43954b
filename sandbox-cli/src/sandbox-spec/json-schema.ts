import { z } from "zod";
import { sandboxSpecSchema } from "./schema.ts";

/** Where the exported schema lives, relative to the project root (editors point `$schema` at it). */
export const SPEC_JSON_SCHEMA_PATH = "docs/sandbox.schema.json";

/** The JSON Schema of sandbox.yaml as a user writes it (durations as text, defaults optional). */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(sandboxSpecSchema, { io: "input", target: "draft-2020-12" });
  return { ...schema, $id: "https://elearning-sandbox.invalid/sandbox.schema.json", title: "sandbox.yaml" };
}

/** The exact file content `npm run schema:export` writes. */
export const specJsonSchemaText = () => `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
