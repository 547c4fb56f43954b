import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BYSTANDER_TARGET,
  startBystanderService,
} from "../../../sandbox-cli/src/sites/bystander-containers.ts";
import { type BystanderSession, bystanderSession } from "../../../sandbox-cli/src/sites/bystander-session.ts";
import { createSiteLink, type SiteLink } from "../../../sandbox-cli/src/sites/index.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { createLinkHarness, fetchAtOnce, type LinkHarness } from "./link-harness.ts";

const site = { name: "branch", downlinkMbps: 4, uplinkMbps: 2, rttMs: 40, learners: 4, trainingShare: 1 };

// The bystander (a business application on the site's link) through a real shaped link: alone, beside
// nothing, and beside bulk downloads that fill the 4 Mbit/s downlink. Ratios only, with wide margins.
describe("bystander on a shaped site link", () => {
  let harness: LinkHarness;
  let link: SiteLink;
  let session: BystanderSession;

  beforeAll(async () => {
    harness = await createLinkHarness("it-bystander");
    const bystander = await startBystanderService(harness.identity, site.name, harness.network, silentLogger);
    link = await createSiteLink(
      {
        sandbox: harness.identity,
        site,
        sandboxNetwork: harness.network,
        targets: [{ name: "files", host: harness.fileServer, port: 8080 }, bystander],
      },
      silentLogger,
    );
    session = bystanderSession(
      harness.identity,
      site.name,
      link.network,
      link.targetHostFor(BYSTANDER_TARGET).url,
      silentLogger,
    );
  });

  afterAll(async () => {
    await harness?.cleanup();
  });

  it("stays near its baseline on an idle link and slows down when downloads saturate it", async () => {
    const baseline = await session.baseline(8);
    const idle = await session.beside({ fromS: 1, toS: 9 }, () => new Promise((r) => setTimeout(r, 9000)));
    const { url } = link.targetHostFor("files");
    const saturated = await session.beside({ fromS: 3, toS: 9 }, () =>
      fetchAtOnce(harness, link.network, `${url}/bytes/1500000`, 4),
    );
    console.info(
      `bystander p95: baseline ${baseline.p95Ms} ms, idle ${idle.stats.p95Ms} ms, saturated ${saturated.stats.p95Ms} ms`,
    );
    expect(baseline.requests).toBeGreaterThan(20);
    expect(baseline.errors).toBe(0);
    // the link adds 40 ms a round trip, so even the fastest answer takes that long
    expect(baseline.p50Ms).toBeGreaterThan(site.rttMs * 0.9);
    expect(idle.stats.requests).toBeGreaterThan(20);
    expect(idle.stats.p95Ms / baseline.p95Ms).toBeLessThan(1.6);
    expect(saturated.stats.requests).toBeGreaterThan(10);
    expect(saturated.stats.p95Ms / baseline.p95Ms).toBeGreaterThan(1.8);
    expect(saturated.stats.p95Ms / idle.stats.p95Ms).toBeGreaterThan(1.5);
  }, 180_000);
});
