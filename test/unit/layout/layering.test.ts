import { relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, runtimeClosure, tsFilesUnder } from "./imports.ts";

const root = resolve(import.meta.dirname, "../../..");
const cliDir = resolve(root, "sandbox-cli") + sep;
const rel = (path: string) => relative(root, path);

describe("stacks/", () => {
  it("imports nothing from sandbox-cli/ (a component has no CLI; effects come in through its args)", () => {
    const files = tsFilesUnder(resolve(root, "stacks"));
    expect(files.length).toBeGreaterThan(20);
    const intoCli = files
      .flatMap(importsOf)
      .filter((edge) => edge.file?.startsWith(cliDir))
      .map((edge) => `${rel(edge.from)} imports ${edge.specifier}`);
    expect(intoCli).toEqual([]);
  });
});

describe("sandbox-cli/src/capacity/", () => {
  // Loading the capacity model loads only these: no filesystem, process, network, docker or Pulumi.
  const allowed = new Set(["zod"]);

  it("loads no runtime: its value imports reach no package but zod and no node: built-in", () => {
    const files = tsFilesUnder(resolve(root, "sandbox-cli/src/capacity"));
    expect(files.length).toBeGreaterThan(5);
    const loaded = runtimeClosure(files);
    const runtime = [...loaded]
      .filter(([specifier]) => !allowed.has(specifier))
      .map(([specifier, importers]) => `${specifier} (via ${importers.map(rel).join(", ")})`);
    expect(runtime).toEqual([]);
  });
});

describe("the import scanner", () => {
  it("sees static, re-exported, dynamic and type-only imports", () => {
    const edges = importsOf(resolve(root, "sandbox-cli/src/commands/capacity.ts"));
    expect(edges.some((edge) => edge.specifier === "../media/measure-folder.ts" && !edge.typeOnly)).toBe(
      true,
    );
    const model = importsOf(resolve(root, "sandbox-cli/src/capacity/model.ts"));
    expect(model.find((edge) => edge.specifier === "../sandbox-spec/resolve-sites.ts")?.typeOnly).toBe(true);
    const index = importsOf(resolve(root, "sandbox-cli/src/capacity/index.ts"));
    expect(index.some((edge) => edge.specifier === "./model.ts")).toBe(true);
  });

  it("follows value imports into other folders and reports the packages they load", () => {
    const loaded = runtimeClosure([resolve(root, "stacks/docker/components.ts")]);
    expect([...loaded.keys()]).toContain("@pulumi/pulumi");
  });
});
