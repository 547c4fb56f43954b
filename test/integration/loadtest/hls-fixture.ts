import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize, sep } from "node:path";
import { packageHls } from "../../../sandbox-cli/src/media/index.ts";

/**
 * A two-rendition HLS ladder (v0 640x360, v1 320x180) of `seconds` of ffmpeg's test pattern, packaged
 * by the project's own packager with a keyframe every `segmentS`. Made once per folder.
 */
export async function makeHlsLadder(dir: string, seconds = 8, segmentS = 1): Promise<string> {
  const master = join(dir, "master.m3u8");
  if (existsSync(master)) return master;
  await packageHls({
    input: { kind: "synthetic", durationS: seconds, width: 640, height: 360, frameRate: 25 },
    outputDir: dir,
    replace: true,
    options: {
      renditions: [
        { name: "v0", width: 640, height: 360, videoKbps: 800, audioKbps: 64 },
        { name: "v1", width: 320, height: 180, videoKbps: 250, audioKbps: 64 },
      ],
      segmentSeconds: segmentS,
      preset: "ultrafast",
    },
  });
  return master;
}

export interface StaticServer {
  readonly url: string;
  requests: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { ".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t" };

/** Serves `root` on 127.0.0.1 (a random port); `delayMs` holds every response back, to force slow segments. */
export async function serveDirectory(
  root: string,
  options: { delayMs?: (path: string) => number } = {},
): Promise<StaticServer> {
  const state = { requests: 0 };
  const server = http.createServer(async (req, res) => {
    state.requests++;
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
    const delay = options.delayMs?.(path) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (!path.startsWith(root + sep) || !existsSync(path) || !(await stat(path)).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    const ext = path.slice(path.lastIndexOf("."));
    res.writeHead(200, {
      "content-type": TYPES[ext] ?? "application/octet-stream",
      "content-length": (await stat(path)).size,
    });
    createReadStream(path).pipe(res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
