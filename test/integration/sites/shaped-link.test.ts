import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { createSiteLink, removeSiteLink, type SiteLink } from "../../../sandbox-cli/src/sites/index.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { createLinkHarness, type LinkHarness, runProbe } from "./link-harness.ts";

interface Transfer {
  requests: number;
  errors: number;
  bytes: number;
  seconds: number;
  mbps: number;
}

const site = { name: "branch", downlinkMbps: 4, uplinkMbps: 2, rttMs: 40, learners: 4, trainingShare: 1 };

// A real shaped link on the local Docker Engine: a few Mbit/s, a handful of parallel transfers, ~20 s.
describe("site link on docker (tbf shaping + userspace delay)", () => {
  let harness: LinkHarness;
  let link: SiteLink;

  beforeAll(async () => {
    harness = await createLinkHarness("it-sites");
    link = await createSiteLink(
      {
        sandbox: harness.identity,
        site,
        sandboxNetwork: harness.network,
        targets: [{ name: "files", host: harness.fileServer, port: 8080 }],
      },
      silentLogger,
    );
  });

  afterAll(async () => {
    await harness?.cleanup();
  });

  it("labels the site network and gateway for `sandbox down`", async () => {
    const gateway = await docker().getContainer(link.gateway.id).inspect();
    const network = await docker().getNetwork(link.network).inspect();
    for (const labels of [gateway.Config.Labels, network.Labels]) {
      expect(labels).toMatchObject({
        "sandbox.name": harness.identity.name,
        "sandbox.owner": "vitest",
        "sandbox.expires-at": harness.identity.expiresAt,
        "sandbox.site": "branch",
      });
    }
    expect(network.Internal).toBe(true);
    expect(link.targetHostFor("files")).toEqual({
      host: harness.fileServer,
      port: 8080,
      url: `http://${harness.fileServer}:8080`,
    });
  });

  it("four parallel downloads share the 4 Mbit/s downlink: throughput within 10% of the rate", async () => {
    const { url } = link.targetHostFor("files");
    const result = await runProbe<Transfer>(harness, link.network, [
      "transfer",
      "--url",
      `${url}/bytes/1500000`,
      "--count",
      "4",
      "--concurrency",
      "4",
      "--timeout-s",
      "40",
      "--warmup-url",
      `${url}/ping`,
    ]);
    console.info(
      `downlink: ${result.mbps.toFixed(3)} Mbit/s over ${result.seconds.toFixed(1)} s (configured ${site.downlinkMbps})`,
    );
    expect(result.errors).toBe(0);
    expect(result.bytes).toBe(6_000_000);
    expect(Math.abs(result.mbps - site.downlinkMbps) / site.downlinkMbps).toBeLessThan(0.1);
  });

  it("two parallel uploads share the 2 Mbit/s uplink: throughput within 10% of the rate", async () => {
    const { url } = link.targetHostFor("files");
    const result = await runProbe<Transfer>(harness, link.network, [
      "transfer",
      "--url",
      `${url}/sink`,
      "--upload-bytes",
      "1500000",
      "--count",
      "2",
      "--concurrency",
      "2",
      "--timeout-s",
      "40",
      "--warmup-url",
      `${url}/ping`,
    ]);
    console.info(
      `uplink: ${result.mbps.toFixed(3)} Mbit/s over ${result.seconds.toFixed(1)} s (configured ${site.uplinkMbps})`,
    );
    expect(result.errors).toBe(0);
    expect(Math.abs(result.mbps - site.uplinkMbps) / site.uplinkMbps).toBeLessThan(0.1);
  });

  it("adds the configured RTT: one round trip per request, two for a new connection", async () => {
    const { url } = link.targetHostFor("files");
    type Rtt = { firstRequestMs: number; reusedMedianMs: number; reusedMinMs: number };
    const rtt = ["rtt", "--count", "21"];
    const direct = await runProbe<Rtt>(harness, harness.network, [
      ...rtt,
      "--url",
      `http://${harness.fileServer}:8080/ping`,
    ]);
    const via = await runProbe<Rtt>(harness, link.network, [...rtt, "--url", `${url}/ping`]);
    console.info(
      `rtt: first request ${via.firstRequestMs.toFixed(1)} ms, reused min ${via.reusedMinMs.toFixed(1)} / median ${via.reusedMedianMs.toFixed(1)} ms; unshaped peer min ${direct.reusedMinMs.toFixed(1)} ms`,
    );
    // The delay stage never releases early; the fastest of 20 requests shows what it adds on top of the
    // peer (the slower ones only show how busy the host is).
    expect(via.reusedMinMs).toBeGreaterThanOrEqual(site.rttMs);
    expect(via.reusedMinMs - direct.reusedMinMs).toBeLessThan(site.rttMs * 1.25 + 5);
    expect(via.firstRequestMs).toBeGreaterThanOrEqual(2 * site.rttMs);
  });

  it("names the missing sandbox network and the fix", async () => {
    const error = await createSiteLink(
      {
        sandbox: harness.identity,
        site: { ...site, name: "nowhere" },
        sandboxNetwork: `${harness.network}-absent`,
        targets: [{ name: "files", host: harness.fileServer, port: 8080 }],
      },
      silentLogger,
    ).catch((e: unknown) => e);
    expect(isSandboxError(error) && error.code).toBe("SITE_NO_SANDBOX_NETWORK");
    expect((error as Error).message).toContain(`${harness.network}-absent`);
  });

  it("names a target that is not on the sandbox network, and leaves nothing behind", async () => {
    const error = await createSiteLink(
      {
        sandbox: harness.identity,
        site: { ...site, name: "ghost" },
        sandboxNetwork: harness.network,
        targets: [{ name: "lms", host: "no-such-lms", port: 80 }],
      },
      silentLogger,
    ).catch((e: unknown) => e);
    expect(isSandboxError(error) && error.code).toBe("SITE_TARGET_NOT_RUNNING");
    expect((error as Error).message).toContain("no-such-lms");
    const networks = await docker().listNetworks({
      filters: { label: [`sandbox.name=${harness.identity.name}`, "sandbox.site=ghost"] },
    });
    expect(networks).toEqual([]);
    await removeSiteLink(harness.identity.name, "ghost");
  });
});
