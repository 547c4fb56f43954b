import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { startEdgeCache } from "../../../sandbox-cli/src/sites/edge-cache.ts";
import { createSiteLink, type SiteLink } from "../../../sandbox-cli/src/sites/index.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { createLinkHarness, type LinkHarness, runProbe } from "./link-harness.ts";

const site = { name: "branch", downlinkMbps: 8, uplinkMbps: 4, rttMs: 20, learners: 4, trainingShare: 1 };
const SEGMENT_BYTES = 1_000_000;

/** Bytes the gateway has sent on all its interfaces (Engine API counters). */
async function gatewaySentBytes(link: SiteLink): Promise<number> {
  const stats = (await docker().getContainer(link.gateway.id).stats({ stream: false })) as unknown as {
    networks?: Record<string, { tx_bytes: number }>;
  };
  return Object.values(stats.networks ?? {}).reduce((sum, n) => sum + n.tx_bytes, 0);
}

// A real branch cache in front of a real shaped link: four learners fetch the same segment; the WAN
// (the gateway) carries it once with the cache, four times without.
describe.each(["nginx", "varnish"] as const)("edge cache (%s) on a site link", (kind) => {
  let harness: LinkHarness;
  let link: SiteLink;
  let mediaDir: string;

  beforeAll(async () => {
    mediaDir = await mkdtemp(join(tmpdir(), "it-cache-"));
    await writeFile(join(mediaDir, "seg0.ts"), Buffer.alloc(SEGMENT_BYTES, "v"));
    await writeFile(join(mediaDir, "seg1.ts"), Buffer.alloc(SEGMENT_BYTES, "w"));
    harness = await createLinkHarness(`it-cache-${kind}`, { mediaDir });
    link = await createSiteLink(
      {
        sandbox: harness.identity,
        site,
        sandboxNetwork: harness.network,
        targets: [{ name: "media", host: harness.fileServer, port: 8080 }],
      },
      silentLogger,
    );
  }, 240_000);

  afterAll(async () => {
    await harness?.cleanup();
    if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
  });

  it("carries each segment across the WAN once for four learners", async () => {
    const media = link.targetHostFor("media");
    const cache = await startEdgeCache(
      {
        identity: harness.identity,
        site: site.name,
        siteNetwork: link.network,
        kind,
        sizeMb: 64,
        upstream: { host: media.host, port: media.port },
      },
      silentLogger,
    );
    const fetchFour = (base: string, file: string) =>
      runProbe<{ errors: number; bytes: number }>(harness, link.network, [
        "transfer",
        "--url",
        `${base}/files/${file}`,
        "--count",
        "4",
        "--concurrency",
        "4",
        "--timeout-s",
        "60",
      ]);
    const before = await gatewaySentBytes(link);
    const cached = await fetchFour(cache.url, "seg0.ts");
    const afterCached = await gatewaySentBytes(link);
    const direct = await fetchFour(media.url, "seg1.ts");
    const afterDirect = await gatewaySentBytes(link);
    const wanCached = afterCached - before;
    const wanDirect = afterDirect - afterCached;
    console.info(`${kind}: WAN bytes for 4 fetches: cached ${wanCached}, direct ${wanDirect}`);
    expect(cached).toMatchObject({ errors: 0, bytes: 4 * SEGMENT_BYTES });
    expect(direct).toMatchObject({ errors: 0, bytes: 4 * SEGMENT_BYTES });
    // one copy plus headers with the cache; four without
    expect(wanCached).toBeGreaterThan(SEGMENT_BYTES);
    expect(wanCached).toBeLessThan(1.5 * SEGMENT_BYTES);
    expect(wanDirect).toBeGreaterThan(3.8 * SEGMENT_BYTES);
  }, 240_000);
});
