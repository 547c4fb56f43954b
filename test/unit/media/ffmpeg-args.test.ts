import { describe, expect, it } from "vitest";
import { SandboxError } from "../../../sandbox-cli/src/errors.ts";
import { buildHlsArgs } from "../../../sandbox-cli/src/media/ffmpeg-args.ts";
import {
  DEFAULT_LADDER,
  type HlsOptionsInput,
  parseHlsOptions,
} from "../../../sandbox-cli/src/media/ladder.ts";

const valueAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
const ladder = (input: Partial<HlsOptionsInput> = {}) =>
  parseHlsOptions({ renditions: [...DEFAULT_LADDER], ...input });

function thrown(fn: () => unknown): SandboxError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SandboxError) return error;
    throw error;
  }
  throw new Error("expected a SandboxError");
}

describe("buildHlsArgs", () => {
  const synthetic = buildHlsArgs({
    input: { kind: "synthetic", durationS: 30 },
    outputDir: "/out",
    options: ladder(),
  });

  it("generates a 720p test pattern with a tone when the input is synthetic", () => {
    expect(synthetic).toContain("testsrc2=size=1280x720:rate=30:duration=30");
    expect(synthetic).toContain("sine=frequency=440:sample_rate=48000:duration=30");
  });

  it("splits the source once and scales it into each rung of the ladder", () => {
    const graph = valueAfter(synthetic, "-filter_complex") ?? "";
    expect(graph.startsWith("[0:v:0]split=3[s0][s1][s2];")).toBe(true);
    for (const [i, size] of ["w=640:h=360", "w=960:h=540", "w=1280:h=720"].entries())
      expect(graph).toContain(`[s${i}]scale=${size}:force_original_aspect_ratio=decrease`);
  });

  it("maps one video and one audio stream per rendition and names them in the stream map", () => {
    expect(synthetic.join(" ")).toContain("-map [v0] -map 1:a:0 -map [v1] -map 1:a:0 -map [v2] -map 1:a:0");
    expect(valueAfter(synthetic, "-var_stream_map")).toBe(
      "v:0,a:0,name:360p v:1,a:1,name:540p v:2,a:2,name:720p",
    );
  });

  it("sets capped-VBR rates per rendition (maxrate 110%, buffer 2 s by default)", () => {
    expect(valueAfter(synthetic, "-b:v:0")).toBe("600k");
    expect(valueAfter(synthetic, "-maxrate:v:0")).toBe("660k");
    expect(valueAfter(synthetic, "-bufsize:v:0")).toBe("1200k");
    expect(valueAfter(synthetic, "-b:v:2")).toBe("2400k");
    expect(valueAfter(synthetic, "-maxrate:v:2")).toBe("2640k");
    expect(valueAfter(synthetic, "-b:a:1")).toBe("96k");
  });

  it("forces keyframes on 6 s boundaries and pins the GOP to one segment", () => {
    expect(valueAfter(synthetic, "-force_key_frames")).toBe("expr:gte(t,n_forced*6)");
    expect(valueAfter(synthetic, "-sc_threshold")).toBe("0");
    expect(valueAfter(synthetic, "-g")).toBe("180");
    expect(valueAfter(synthetic, "-hls_time")).toBe("6");
  });

  it("writes a VOD master playlist and per-rendition media playlists under the output folder", () => {
    expect(valueAfter(synthetic, "-hls_playlist_type")).toBe("vod");
    expect(valueAfter(synthetic, "-master_pl_name")).toBe("master.m3u8");
    expect(valueAfter(synthetic, "-hls_segment_filename")).toBe("/out/%v/segment_%03d.ts");
    expect(synthetic.at(-1)).toBe("/out/%v/index.m3u8");
  });

  it("follows a different segment length everywhere it matters", () => {
    const args = buildHlsArgs({
      input: { kind: "synthetic", durationS: 10, frameRate: 25 },
      outputDir: "/o",
      options: ladder({ segmentSeconds: 4 }),
    });
    expect(valueAfter(args, "-force_key_frames")).toBe("expr:gte(t,n_forced*4)");
    expect(valueAfter(args, "-g")).toBe("100");
    expect(valueAfter(args, "-hls_time")).toBe("4");
  });

  it("leaves audio out for a silent file and the GOP to the forced keyframes when the rate is unknown", () => {
    const args = buildHlsArgs({
      input: { kind: "file", path: "/in/talk.mp4", hasAudio: false },
      outputDir: "/o",
      options: ladder(),
    });
    expect(args.slice(args.indexOf("-i"), args.indexOf("-i") + 2)).toEqual(["-i", "/in/talk.mp4"]);
    expect(args).not.toContain("-c:a");
    expect(args).not.toContain("-g");
    expect(args.filter((a) => a.includes(":a:"))).toEqual([]);
    expect(valueAfter(args, "-var_stream_map")).toBe("v:0,name:360p v:1,name:540p v:2,name:720p");
  });

  it("pins x264 to one thread only when deterministic output is asked for", () => {
    expect(synthetic).not.toContain("-x264-params");
    const args = buildHlsArgs({
      input: { kind: "synthetic", durationS: 5 },
      outputDir: "/o",
      options: ladder({ deterministic: true }),
    });
    expect(valueAfter(args, "-x264-params")).toBe("threads=1:lookahead-threads=1");
  });

  it("is pure: the same arguments give the same list", () => {
    const again = buildHlsArgs({
      input: { kind: "synthetic", durationS: 30 },
      outputDir: "/out",
      options: ladder(),
    });
    expect(again).toEqual(synthetic);
  });

  it("rejects an unusable input with a usage error", () => {
    const error = thrown(() =>
      buildHlsArgs({ input: { kind: "synthetic", durationS: -1 }, outputDir: "/o", options: ladder() }),
    );
    expect(error.code).toBe("MEDIA_INPUT_INVALID");
    expect(error.exitCode).toBe(2);
  });
});

describe("parseHlsOptions", () => {
  it("applies the documented defaults", () => {
    const options = parseHlsOptions();
    expect(options.renditions.map((r) => r.name)).toEqual(["360p", "540p", "720p"]);
    expect(options.segmentSeconds).toBe(6);
    expect(options.preset).toBe("veryfast");
    expect(options.deterministic).toBe(false);
  });

  it.each([
    [{ renditions: [] }, /renditions/, "at least one rendition"],
    [
      { renditions: [{ name: "a b", width: 640, height: 360, videoKbps: 500 }] },
      /renditions\.0\.name/,
      "at least one rendition",
    ],
    [
      {
        renditions: [
          { name: "x", width: 640, height: 360, videoKbps: 500 },
          { name: "x", width: 960, height: 540, videoKbps: 900 },
        ],
      },
      /"x" is used twice/,
      "distinct name",
    ],
    [{ renditions: [{ name: "odd", width: 641, height: 360, videoKbps: 500 }] }, /641x360.*even/, "642x360"],
    [
      { renditions: [{ name: "cap", width: 640, height: 360, videoKbps: 500, maxrateKbps: 400 }] },
      /maxrateKbps 400 below videoKbps 500/,
      "at or above",
    ],
  ])("explains a bad ladder (%#)", (input, message, hint) => {
    const error = thrown(() => parseHlsOptions(input as HlsOptionsInput));
    expect(error.code).toBe("HLS_LADDER_INVALID");
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
    expect(error.hint).toContain(hint);
  });
});
