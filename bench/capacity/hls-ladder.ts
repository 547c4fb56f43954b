import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageHls } from "../../sandbox-cli/src/media/index.ts";

/**
 * A two-rendition HLS ladder from ffmpeg's test sources (2 s segments, keyframe every segment, capped
 * VBR), like the media server of a sandbox serves, packaged by the project's own packager. Made once per folder.
 */
export async function makeBenchLadder(dir: string, seconds: number): Promise<void> {
  if (existsSync(join(dir, "master.m3u8"))) return;
  await packageHls({
    input: { kind: "synthetic", durationS: seconds, width: 960, height: 540, frameRate: 25 },
    outputDir: dir,
    replace: true,
    options: {
      renditions: [
        {
          name: "540p",
          width: 960,
          height: 540,
          videoKbps: 900,
          maxrateKbps: 1000,
          bufsizeKbps: 1000,
          audioKbps: 64,
        },
        {
          name: "270p",
          width: 480,
          height: 270,
          videoKbps: 300,
          maxrateKbps: 350,
          bufsizeKbps: 350,
          audioKbps: 64,
        },
      ],
      segmentSeconds: 2,
    },
  });
}
