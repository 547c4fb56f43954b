import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { uniqueName } from "./helpers.ts";

const tier = inject("k8sTier");
let dir = "";

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("sandbox images push", () => {
  it("pushes a spec's images to the local registry, where the cluster pulls them from", async () => {
    dir = await mkdtemp(join(tmpdir(), "images-push-"));
    const spec = join(dir, "sandbox.yaml");
    const prefix = uniqueName("push");
    await writeFile(
      spec,
      `apiVersion: elearning-sandbox/v1\nname: ${prefix}\nowner: a@example.com\ncandidates:\n  - catalog: media-nginx\n`,
    );
    const registry = `${tier.registry}/${prefix}`;
    const res = await runCli(["images", "push", "--registry", registry, "--spec", spec, "--json"], {
      timeoutMs: 600_000,
    });
    expect(res.exitCode, res.stderr).toBe(0);
    const pushed = JSON.parse(res.stdout) as { images: { recipe: string; pushed: string[] }[] };
    expect(pushed.images.map((i) => i.recipe)).toEqual([
      "sandbox/media-nginx",
      "sandbox/load-runner",
      "sandbox/site-gateway",
    ]);
    const tags = (await (
      await fetch(`http://${tier.registry}/v2/${prefix}/media-nginx/tags/list`)
    ).json()) as {
      tags: string[];
    };
    expect(tags.tags).toContain("latest");
  });

  it("refuses a registry that is not HOST[:PORT][/PREFIX], with exit 2", async () => {
    const res = await runCli(["images", "push", "--registry", "http://example.com", "--json"]);
    expect(res.exitCode).toBe(2);
    expect(JSON.parse(res.stdout).error.code).toBe("IMAGES_BAD_REGISTRY");
  });
});
