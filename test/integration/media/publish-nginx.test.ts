import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageHls, publishToContainer } from "../../../sandbox-cli/src/media/index.ts";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { ensureImage } from "../../../sandbox-cli/src/runtime/images.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";

const runId = `media-nginx-${randomBytes(4).toString("hex")}`;

/** Packaged with ffmpeg, published with putArchive, served by the project's nginx media server on 127.0.0.1. */
describe("HLS published into the media server", () => {
  let work: string;
  let server: Docker.Container;
  let baseUrl: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "media-nginx-"));
    const image = await ensureImage({ name: "sandbox/media-nginx", folder: "media-nginx" }, silentLogger);
    await packageHls({
      input: { kind: "synthetic", durationS: 6 },
      outputDir: join(work, "hls"),
      options: { renditions: [{ name: "360p", width: 640, height: 360, videoKbps: 600 }] },
    });
    server = await docker().createContainer({
      Image: image.tag,
      name: runId,
      Labels: { "sandbox.test": runId },
      ExposedPorts: { "8080/tcp": {} },
      HostConfig: { PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } },
    });
    await server.start();
    const info = await server.inspect();
    const port = info.NetworkSettings.Ports["8080/tcp"]?.[0]?.HostPort;
    baseUrl = `http://127.0.0.1:${port}`;
    for (let attempt = 0; attempt < 50; attempt++) {
      const healthy = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 240_000);

  afterAll(async () => {
    await server?.remove({ force: true, v: true }).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  });

  it("serves the published playlists and segments with HLS types and CORS", async () => {
    const published = await publishToContainer({
      container: runId,
      containerPath: "/srv/media/sox-essentials",
      folder: join(work, "hls"),
    });
    expect(published.files).toBe(3);

    const master = await fetch(`${baseUrl}/sox-essentials/master.m3u8`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(master.status).toBe(200);
    expect(master.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    expect(master.headers.get("access-control-allow-origin")).toBe("*");
    expect(await master.text()).toContain("RESOLUTION=640x360");

    const segment = await fetch(`${baseUrl}/sox-essentials/360p/segment_000.ts`, {
      signal: AbortSignal.timeout(10_000),
    });
    expect(segment.status).toBe(200);
    expect(segment.headers.get("content-type")).toBe("video/mp2t");
    const served = Buffer.from(await segment.arrayBuffer());
    expect(served.equals(await readFile(join(work, "hls", "360p", "segment_000.ts")))).toBe(true);
  });
});
