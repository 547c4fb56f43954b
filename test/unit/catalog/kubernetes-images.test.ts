import { describe, expect, it } from "vitest";
import { imagesToPush } from "../../../sandbox-cli/src/runtime/push-image.ts";
import { parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/index.ts";
import { DEFAULT_IMAGE_REGISTRY, kubernetesImage, pushedRepository } from "../../../stacks/catalog/images.ts";
import { findCatalogEntry } from "../../../stacks/catalog/index.ts";

const image = (id: string) => {
  const entry = findCatalogEntry(id);
  if (!entry) throw new Error(`no catalog entry ${id}`);
  return entry.image;
};

describe("the images a cluster pulls", () => {
  it("pulls a project recipe from the spec's registry", () => {
    expect(kubernetesImage(image("reference-lms"), "127.0.0.1:5050/elearning-sandbox")).toBe(
      "127.0.0.1:5050/elearning-sandbox/reference-lms:latest",
    );
    expect(pushedRepository("registry.example.com/", "sandbox/postgres")).toBe(
      "registry.example.com/postgres",
    );
  });

  it("pulls an image without a recipe by the catalog's own reference", () => {
    // No catalog entry uses a registry image today (Moodle left the catalog); the rule still holds.
    const reference = {
      docker: { reference: "registry.example.com/lms:4.5" },
      kubernetes: "registry.example.com/lms:4.5",
    };
    expect(kubernetesImage(reference, DEFAULT_IMAGE_REGISTRY)).toBe("registry.example.com/lms:4.5");
  });

  it("pushes a spec's candidates with their dependencies, the load runner and the site gateway", () => {
    const { spec } = parseSpecText(
      "apiVersion: elearning-sandbox/v1\nname: push\nowner: a@example.com\ncandidates:\n  - catalog: reference-lms\n",
    );
    expect(imagesToPush(spec).map((r) => r.name)).toEqual([
      "sandbox/postgres",
      "sandbox/reference-lms",
      "sandbox/load-runner",
      "sandbox/site-gateway",
    ]);
  });

  it("refuses a registry that is not HOST[:PORT][/PREFIX]", () => {
    const text =
      "apiVersion: elearning-sandbox/v1\nname: push\nowner: a@example.com\ntarget:\n  kind: kubernetes\n  registry: http://x\ncandidates:\n  - catalog: reference-lms\n";
    expect(() => parseSpecText(text)).toThrow(/target.registry.*HOST\[:PORT\]\[\/PREFIX\]/s);
  });
});
