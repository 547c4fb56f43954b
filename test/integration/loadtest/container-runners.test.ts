import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeSampleFiles } from "../../../sandbox-cli/src/loadtest/merge.ts";
import { startResourceSampler } from "../../../sandbox-cli/src/loadtest/resources.ts";
import { runContainerRunners } from "../../../sandbox-cli/src/loadtest/runners.ts";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { ensureImage } from "../../../sandbox-cli/src/runtime/images.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { makeHlsLadder } from "./hls-fixture.ts";

const id = randomBytes(3).toString("hex");
const sandbox = `it-load-${id}`;
const labels = {
  "sandbox.name": sandbox,
  "sandbox.owner": "vitest",
  "sandbox.expires-at": new Date(Date.now() + 3600_000).toISOString(),
};
const network = `sandbox-${sandbox}-net`;
const mediaName = `sandbox-${sandbox}-media`;
const artifacts = join(process.cwd(), "test-artifacts");
let work: string;

beforeAll(async () => {
  const ladder = join(artifacts, "hls-ladder-8s");
  await makeHlsLadder(ladder, 8);
  work = mkdtempSync(join(artifacts, "load-containers-"));
  const media = await ensureImage({ name: "sandbox/media-nginx", folder: "media-nginx" }, silentLogger);
  await docker().createNetwork({ Name: network, Labels: labels, CheckDuplicate: true });
  const container = await docker().createContainer({
    name: mediaName,
    Image: media.tag,
    Labels: { ...labels, "sandbox.role": "media" },
    HostConfig: { Binds: [`${ladder}:/srv/media/course:ro`], NetworkMode: network },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ["media"] } } },
  });
  await container.start();
}, 300_000);

afterAll(async () => {
  for (const c of await docker().listContainers({
    all: true,
    filters: { label: [`sandbox.name=${sandbox}`] },
  })) {
    await docker()
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
  await docker()
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("runner containers on the sandbox's own network", () => {
  it("split the viewers by execution segment, write raw samples to the bind mount, and merge exactly", async () => {
    const sampler = startResourceSampler([{ container: mediaName, role: "media" }], 1000);
    const out = await runContainerRunners(
      {
        config: {
          runId: `it-${id}`,
          maxRunS: 20,
          scenarios: {
            "hls-viewer": {
              stages: [
                { durationS: 1, target: 5 },
                { durationS: 4, target: 5 },
              ],
              gracefulStopS: 2,
              gracefulRampDownS: 2,
              mediaBaseUrl: "http://media:8080",
              masters: ["/media/course/master.m3u8"],
            },
          },
        },
        runners: 2,
        outDir: work,
        startDelayMs: 1500,
        maxRunS: 20,
      },
      { network, labels, namePrefix: `sandbox-${sandbox}-runner` },
      silentLogger,
    );
    const [media] = await sampler.stop(out.startAtMs);
    expect(out.summaries.map((s) => s.segment)).toEqual(["1/2", "2/2"]);
    expect(out.summaries.map((s) => s.vus)).toEqual([3, 2]);
    const merged = await mergeSampleFiles(out.samplePaths);
    expect(merged.metrics.get("http_reqs")?.sum).toBeGreaterThan(10);
    expect(merged.metrics.get("http_req_failed")?.passes).toBe(0);
    expect(merged.metrics.get("learners_active")?.gaugeMax).toBe(5);
    expect(merged.metrics.get("hls_time_to_first_frame")?.count).toBeGreaterThanOrEqual(5);
    // the media server's raw counters moved: it sent at least the bytes the viewers received
    const received = merged.metrics.get("data_received")?.sum ?? 0;
    const samples = media?.samples ?? [];
    expect(samples.length).toBeGreaterThan(2);
    expect((samples.at(-1)?.txBytes ?? 0) - (samples[0]?.txBytes ?? 0)).toBeGreaterThan(received * 0.5);
    expect(samples.some((s) => s.cpuCores > 0)).toBe(true);
    // runner containers are gone
    expect(
      (
        await docker().listContainers({
          all: true,
          filters: { label: ["sandbox.role=load-runner", `sandbox.name=${sandbox}`] },
        })
      ).length,
    ).toBe(0);
  }, 240_000);
});
