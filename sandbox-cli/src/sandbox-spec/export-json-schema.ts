// `npm run schema:export`: regenerates docs/sandbox.schema.json from the zod schema.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { projectRoot } from "../paths.ts";
import { SPEC_JSON_SCHEMA_PATH, specJsonSchemaText } from "./json-schema.ts";

const target = join(projectRoot, SPEC_JSON_SCHEMA_PATH);
await mkdir(dirname(target), { recursive: true });
await writeFile(target, specJsonSchemaText());
process.stderr.write(`wrote ${SPEC_JSON_SCHEMA_PATH}\n`);
