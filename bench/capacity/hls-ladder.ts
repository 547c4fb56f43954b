import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { runProgram } from "../../sandbox-cli/src/util/exec.ts";

/**
 * A two-rendition HLS ladder from ffmpeg's test sources (2 s segments, keyframe every segment), like the
 * media server of a sandbox serves. Made once per folder.
 */
export async function makeBenchLadder(dir: string, seconds: number): Promise<void> {
  if (existsSync(join(dir, "master.m3u8"))) return;
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
      "testsrc2=size=960x540:rate=25",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=44100",
      "-t",
      String(seconds),
      "-filter_complex",
      "[0:v]split=2[a][b];[a]scale=960:540[hi];[b]scale=480:270[lo]",
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
      "veryfast",
      "-b:v:0",
      "900k",
      "-maxrate:v:0",
      "1000k",
      "-bufsize:v:0",
      "1000k",
      "-b:v:1",
      "300k",
      "-maxrate:v:1",
      "350k",
      "-bufsize:v:1",
      "350k",
      "-c:a",
      "aac",
      "-b:a",
      "64k",
      "-force_key_frames",
      "expr:gte(t,n_forced*2)",
      "-f",
      "hls",
      "-hls_time",
      "2",
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
    { timeout: 180_000 },
  );
}
