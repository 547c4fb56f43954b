import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containerSentBytes } from "../../../sandbox-cli/src/sites/docker-lookups.ts";
import { type SiteLink, siteCacheName, startEdgeCache } from "../../../sandbox-cli/src/sites/index.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { createLinkHarness, fetchAtOnce, harnessSiteLink, type LinkHarness } from "./link-harness.ts";

const site = { name: "branch", downlinkMbps: 8, uplinkMbps: 4, rttMs: 20, learners: 4, trainingShare: 1 };
const SEGMENT_BYTES = 1_000_000;
const LEARNERS = 4;

const gatewaySentBytes = (link: SiteLink) => containerSentBytes(link.gateway.id);

// A real branch cache behind a real shaped link: four learners fetch the same segment at once; the WAN
// (the gateway) carries it once with the cache, four times without.
describe.each(["nginx", "varnish"] as const)("edge cache (%s) on a site link", (kind) => {
  let harness: LinkHarness;
  let link: SiteLink;
  let mediaDir: string;

  beforeAll(async () => {
    mediaDir = await mkdtemp(join(tmpdir(), "it-cache-"));
    for (const [i, fill] of ["v", "w"].entries())
      await writeFile(join(mediaDir, `seg${i}.ts`), Buffer.alloc(SEGMENT_BYTES, fill));
    harness = await createLinkHarness(`it-cache-${kind}`, { mediaDir });
    link = await harnessSiteLink(harness, site, [{ name: "media", host: harness.fileServer, port: 8080 }]);
  }, 300_000);

  afterAll(async () => {
    await harness?.cleanup();
    if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
  });

  it("carries each segment across the WAN once for four learners, four times without it", async () => {
    const media = link.targetHostFor("media");
    const cache = await startEdgeCache(
      {
        identity: harness.identity,
        site: site.name,
        siteNetwork: link.network,
        cache: { kind, sizeMb: 64 },
        upstream: media,
      },
      silentLogger,
    );
    expect(cache.name).toBe(siteCacheName(harness.identity.name, site.name));
    const before = await gatewaySentBytes(link);
    const cached = await fetchAtOnce(harness, link.network, `${cache.url}/files/seg0.ts`, LEARNERS);
    const afterCached = await gatewaySentBytes(link);
    // a later learner gets the cached copy: nothing crosses the WAN
    const again = await fetchAtOnce(harness, link.network, `${cache.url}/files/seg0.ts`, 1);
    const afterAgain = await gatewaySentBytes(link);
    const direct = await fetchAtOnce(harness, link.network, `${media.url}/files/seg1.ts`, LEARNERS);
    const afterDirect = await gatewaySentBytes(link);
    const wan = {
      cached: afterCached - before,
      again: afterAgain - afterCached,
      direct: afterDirect - afterAgain,
    };
    console.info(
      `${kind}: WAN bytes for ${LEARNERS} learners: cached ${wan.cached}, direct ${wan.direct}; a fifth later: ${wan.again}`,
    );
    expect(cached).toMatchObject({ errors: 0, bytes: LEARNERS * SEGMENT_BYTES });
    expect(again).toMatchObject({ errors: 0, bytes: SEGMENT_BYTES });
    expect(direct).toMatchObject({ errors: 0, bytes: LEARNERS * SEGMENT_BYTES });
    // one copy plus headers and acknowledgements with the cache; four without
    expect(wan.cached).toBeGreaterThan(SEGMENT_BYTES);
    expect(wan.cached).toBeLessThan(1.2 * SEGMENT_BYTES);
    expect(wan.again).toBeLessThan(0.05 * SEGMENT_BYTES);
    expect(wan.direct).toBeGreaterThan((LEARNERS - 0.2) * SEGMENT_BYTES);
  }, 240_000);
});
