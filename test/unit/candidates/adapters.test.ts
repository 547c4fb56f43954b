import { describe, expect, it } from "vitest";
import { adapterOf, mediaAdapter } from "../../../sandbox-cli/src/candidates/index.ts";
import { catalog, catalogEntrySchema } from "../../../stacks/catalog/index.ts";

describe("candidate adapters", () => {
  it("every LMS and media entry names an adapter file of its own kind", async () => {
    const named = catalog().filter((entry) => entry.kind !== "database");
    expect(named.map((entry) => entry.adapter)).toEqual(["reference-lms", "nginx", "caddy", "httpd"]);
    for (const entry of named) {
      const adapter = await adapterOf(entry);
      expect(adapter.kind).toBe(entry.kind);
      expect(adapter.name).toBe(entry.adapter);
    }
  });

  it("a media adapter publishes where its catalog entry says (volume mount path, URL prefix)", async () => {
    const { entry, adapter } = await mediaAdapter("media-caddy");
    expect(adapter.location(entry)).toEqual({ contentPath: "/srv/media", urlPrefix: "/media/" });
    const moved = catalogEntrySchema.parse({
      ...entry,
      volumes: [{ name: "content", mountPath: "/var/www/hls", purpose: "x" }],
      install: { method: "publish-media", volume: "content", urlPrefix: "/video/" },
    });
    expect(adapter.location(moved)).toEqual({ contentPath: "/var/www/hls", urlPrefix: "/video/" });
  });

  it("names the missing file when an entry's adapter does not exist", async () => {
    const [first] = catalog();
    if (!first) throw new Error("empty catalog");
    await expect(adapterOf({ ...first, adapter: "no-such-lms" })).rejects.toMatchObject({
      code: "CANDIDATE_NO_ADAPTER",
      message: expect.stringContaining("candidates/lms/no-such-lms.ts does not load"),
    });
  });
});
