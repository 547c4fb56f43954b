import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import {
  SPEC_JSON_SCHEMA_PATH,
  specJsonSchema,
  specJsonSchemaText,
} from "../../../sandbox-cli/src/sandbox-spec/json-schema.ts";
import { loadSpecFile, parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/load-spec.ts";
import { starterSpec } from "../../../sandbox-cli/src/sandbox-spec/starter.ts";

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(specJsonSchema());
const examplesDir = join(projectRoot, "examples");
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith(".yaml"));

describe("docs/sandbox.schema.json", () => {
  it("is what `npm run schema:export` writes from the zod schema (run it after changing the spec)", () => {
    const onDisk = readFileSync(join(projectRoot, SPEC_JSON_SCHEMA_PATH), "utf8");
    expect(onDisk, "docs/sandbox.schema.json is stale: run `npm run schema:export`").toBe(
      specJsonSchemaText(),
    );
  });

  it("describes the fields editors complete, durations as text and the enums", () => {
    const schema = specJsonSchema() as {
      properties: Record<string, { description?: string; pattern?: string }>;
    };
    expect(schema.properties.ttl?.pattern).toBeDefined();
    expect(schema.properties.candidates?.description).toMatch(/bake-off/);
    const text = JSON.stringify(schema);
    for (const profile of ["hq-lan", "regional-office", "small-branch", "vpn-home"])
      expect(text).toContain(profile);
  });

  it("accepts the starter and rejects what the zod schema rejects", () => {
    expect(
      validate(parse(starterSpec({ name: "demo", owner: "anna" }))),
      ajv.errorsText(validate.errors),
    ).toBe(true);
    expect(validate({ name: "demo", owner: "a", candidates: [{ catalog: "x" }], load: { peak: 1 } })).toBe(
      false,
    );
    expect(validate({ name: "demo", owner: "a", candidates: [{ catalog: "x" }], ttl: "forever" })).toBe(
      false,
    );
    expect(
      validate({ name: "demo", owner: "a", candidates: [{ catalog: "x" }], target: { kind: "nomad" } }),
    ).toBe(false);
  });
});

describe("the starter spec and the examples", () => {
  it("the starter parses as a valid spec", () => {
    const { spec, sites } = parseSpecText(starterSpec({ name: "my-sandbox", owner: "anna@example.com" }));
    expect(spec.name).toBe("my-sandbox");
    expect(spec.owner).toBe("anna@example.com");
    expect(sites.map((s) => s.name)).toEqual(["headquarters", "small-branch"]);
  });

  it.each(exampleFiles)("examples/%s is valid for zod and for the JSON Schema", async (file) => {
    const loaded = await loadSpecFile(join(examplesDir, file));
    expect(loaded.spec.candidates.length).toBeGreaterThan(0);
    const data = parse(readFileSync(join(examplesDir, file), "utf8"));
    expect(validate(data), ajv.errorsText(validate.errors)).toBe(true);
  });

  it("has examples for both targets", () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(3);
  });
});
