import { createReadStream, existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join, normalize, sep } from "node:path";
import { runProgram } from "../../../sandbox-cli/src/util/exec.ts";

/**
 * A small HLS ladder made with ffmpeg (two renditions, 1 s segments) and a static server for it on
 * 127.0.0.1: what the media server of a sandbox serves, in seconds and without Docker.
 */
export async function makeHlsLadder(dir: string, seconds = 8, segmentS = 1): Promise<string> {
  if (existsSync(join(dir, "master.m3u8"))) return join(dir, "master.m3u8");
  await mkdir(dir, { recursive: true });
  await runProgram(
    "ffmpeg",
    [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=640x360:rate=25",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=44100",
      "-t",
      String(seconds),
      "-filter_complex",
      "[0:v]split=2[a][b];[a]scale=640:360[hi];[b]scale=320:180[lo]",
      "-map",
      "[hi]",
      "-map",
      "[lo]",
      "-map",
      "1:a",
      "-map",
      "1:a",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-b:v:0",
      "800k",
      "-b:v:1",
      "250k",
      "-c:a",
      "aac",
      "-b:a",
      "64k",
      "-force_key_frames",
      `expr:gte(t,n_forced*${segmentS})`,
      "-f",
      "hls",
      "-hls_time",
      String(segmentS),
      "-hls_playlist_type",
      "vod",
      "-hls_segment_filename",
      join(dir, "v%v", "seg%03d.ts"),
      "-master_pl_name",
      "master.m3u8",
      "-var_stream_map",
      "v:0,a:0 v:1,a:1",
      join(dir, "v%v", "index.m3u8"),
    ],
    { timeout: 120_000 },
  );
  return join(dir, "master.m3u8");
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
