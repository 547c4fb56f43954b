import { describe, expect, it } from "vitest";
import { evaluateItPolicy } from "../../../sandbox-cli/src/pipeline/policy-check.ts";
import { parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/index.ts";

const spec = (registry?: string) =>
  parseSpecText(
    [
      "apiVersion: elearning-sandbox/v1",
      "name: reg",
      "owner: a@example.com",
      "target:",
      "  kind: kubernetes",
      ...(registry ? [`  registry: ${registry}`] : []),
      "candidates:",
      "  - catalog: reference-lms",
    ].join("\n"),
  ).spec;

const imageRule = async (registry: string | undefined, config: unknown = {}) =>
  (await evaluateItPolicy(spec(registry), new Date("2026-12-04T12:00:00Z"), config)).find(
    (r) => r.rule === "images-from-allowed-registries",
  );

describe("IT's policy pack checks the images against the spec's target.registry", () => {
  it("passes the default registry, the one IT allows", async () => {
    expect((await imageRule(undefined))?.ok).toBe(true);
  });

  it("refuses images from a registry IT does not allow, naming it", async () => {
    const result = await imageRule("127.0.0.1:5050/elearning-sandbox");
    expect(result?.ok).toBe(false);
    expect(JSON.stringify(result)).toContain("127.0.0.1:5050/elearning-sandbox/reference-lms:latest");
  });

  it("passes them once IT allows that registry", async () => {
    expect(
      (await imageRule("127.0.0.1:5050/elearning-sandbox", { allowedRegistries: ["127.0.0.1:5050"] }))?.ok,
    ).toBe(true);
  });
});
