import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type Docker from "dockerode";
import { extract, type Headers } from "tar-fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxError } from "../../../sandbox-cli/src/errors.ts";
import {
  DEFAULT_HELPER_IMAGE,
  publishToContainer,
  publishToVolume,
} from "../../../sandbox-cli/src/media/publish.ts";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";

const runId = `media-publish-${randomBytes(4).toString("hex")}`;
const labels = { "sandbox.test": runId };
const masterText = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8\n";
const mediaText = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n";
const totalBytes = 188 * 10 + masterText.length + mediaText.length;

/** Reads a folder back out of a container: every entry's header and the files' text. */
async function readBack(container: Docker.Container, path: string, into: string) {
  const headers: Headers[] = [];
  const archive = await container.getArchive({ path });
  await pipeline(
    archive,
    extract(into, {
      map: (header) => {
        headers.push({ ...header });
        return header;
      },
    }),
  );
  return headers;
}

async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof SandboxError)) throw new Error(`expected a SandboxError, got ${String(error)}`);
  return error;
}

describe("publishing HLS output into the media server (real Docker)", () => {
  let work: string;
  let folder: string;
  let target: Docker.Container;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "media-publish-"));
    folder = join(work, "hls");
    await mkdir(join(folder, "360p"), { recursive: true });
    await writeFile(join(folder, "master.m3u8"), masterText);
    await writeFile(join(folder, "360p", "index.m3u8"), mediaText);
    await writeFile(join(folder, "360p", "segment_000.ts"), Buffer.alloc(188 * 10, 0x47));
    // Never started: the Engine copies into a created container's filesystem all the same.
    target = await docker().createContainer({
      Image: DEFAULT_HELPER_IMAGE,
      name: runId,
      Cmd: ["true"],
      Labels: labels,
      HostConfig: { NetworkMode: "none" },
    });
    await docker().createVolume({ Name: runId, Labels: labels });
  });

  afterAll(async () => {
    await target?.remove({ force: true, v: true }).catch(() => undefined);
    const leftovers = await docker().listContainers({
      all: true,
      filters: { label: [`sandbox.test=${runId}`] },
    });
    for (const c of leftovers) await docker().getContainer(c.Id).remove({ force: true, v: true });
    await docker()
      .getVolume(runId)
      .remove()
      .catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  });

  it("copies the folder into a container path, creating missing parents, readable by nginx", async () => {
    const result = await publishToContainer({ container: runId, containerPath: "/srv/media/sox/", folder });
    expect(result).toEqual({ path: "/srv/media/sox", files: 3, bytes: totalBytes });
    const headers = await readBack(target, "/srv/media/sox", join(work, "back1"));
    expect(headers.map((h) => h.name).sort()).toEqual([
      "sox/",
      "sox/360p/",
      "sox/360p/index.m3u8",
      "sox/360p/segment_000.ts",
      "sox/master.m3u8",
    ]);
    for (const h of headers) {
      expect(h.uid).toBe(0);
      expect((h.mode ?? 0) & 0o777).toBe(h.type === "directory" ? 0o755 : 0o644);
    }
    expect(await readFile(join(work, "back1", "sox", "master.m3u8"), "utf8")).toContain("360p/index.m3u8");
  });

  it("copies the folder into a docker volume through a helper container it removes again", async () => {
    const result = await publishToVolume({ volume: runId, folder, subPath: "courses/sox", labels });
    expect(result).toEqual({ path: "courses/sox", files: 3, bytes: totalBytes });
    const reader = await docker().createContainer({
      Image: DEFAULT_HELPER_IMAGE,
      Cmd: ["true"],
      Labels: labels,
      HostConfig: { Binds: [`${runId}:/data:ro`], NetworkMode: "none" },
    });
    try {
      await readBack(reader, "/data/courses/sox", join(work, "back2"));
      const segment = await readFile(join(work, "back2", "sox", "360p", "segment_000.ts"));
      expect(segment.length).toBe(1880);
    } finally {
      await reader.remove({ force: true, v: true });
    }
    const helpers = await docker().listContainers({
      all: true,
      filters: { label: [`sandbox.test=${runId}`, "sandbox.role=media-publisher"] },
    });
    expect(helpers).toEqual([]);
  });

  it("names a container that does not exist and how to find the right one", async () => {
    const error = await failure(
      publishToContainer({ container: `${runId}-absent`, containerPath: "/srv/media", folder }),
    );
    expect(error.code).toBe("PUBLISH_TARGET_NOT_FOUND");
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${runId}-absent`);
    expect(error.hint).toContain("sandbox status");
  });

  it("names a volume that does not exist", async () => {
    const error = await failure(publishToVolume({ volume: `${runId}-absent`, folder }));
    expect(error.code).toBe("PUBLISH_TARGET_NOT_FOUND");
    expect(error.message).toContain(`volume "${runId}-absent"`);
  });

  it("names a source folder that does not exist", async () => {
    const error = await failure(
      publishToContainer({ container: runId, containerPath: "/srv/media", folder: join(work, "nothing") }),
    );
    expect(error.code).toBe("PUBLISH_SOURCE_MISSING");
    expect(error.hint).toContain("package the media first");
  });
});
