import { join } from "node:path";
import { z } from "zod";
import { usageError } from "../errors.ts";
import { bufsizeOf, type HlsOptions, maxrateOf } from "./ladder.ts";

/** What to encode: a video file, or a synthetic test pattern with a tone made by ffmpeg itself. */
export const MediaInputSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("file"),
    path: z.string().min(1),
    hasAudio: z.boolean(),
    /** When known, the GOP length is pinned to exactly one segment. */
    frameRate: z.number().positive().optional(),
  }),
  z.object({
    kind: z.literal("synthetic"),
    durationS: z.number().positive().max(600),
    width: z.number().int().positive().default(1280),
    height: z.number().int().positive().default(720),
    frameRate: z.number().int().positive().max(60).default(30),
    toneHz: z.number().int().positive().max(20_000).default(440),
  }),
]);
export type MediaInput = z.infer<typeof MediaInputSchema>;
export type MediaInputArg = z.input<typeof MediaInputSchema>;

export const SEGMENT_PATTERN = "segment_%03d.ts";

function inputArgs(input: MediaInput): string[] {
  if (input.kind === "file") return ["-i", input.path];
  const { durationS, width, height, frameRate, toneHz } = input;
  return [
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${width}x${height}:rate=${frameRate}:duration=${durationS}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=${toneHz}:sample_rate=48000:duration=${durationS}`,
  ];
}

const hasAudio = (input: MediaInput) => input.kind === "synthetic" || input.hasAudio;
const audioSource = (input: MediaInput) => (input.kind === "synthetic" ? "1:a:0" : "0:a:0");

/** One split of the source scaled per rendition, keeping the aspect ratio inside the rendition's box. */
function filterGraph(options: HlsOptions): string {
  const count = options.renditions.length;
  const split = `[0:v:0]split=${count}${options.renditions.map((_, i) => `[s${i}]`).join("")}`;
  const scaled = options.renditions.map(
    (r, i) =>
      `[s${i}]scale=w=${r.width}:h=${r.height}:force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1[v${i}]`,
  );
  return [split, ...scaled].join(";");
}

/**
 * The complete ffmpeg argument list for packaging `input` as an HLS ladder under `outputDir`:
 * `<outputDir>/<master>` plus `<outputDir>/<rendition>/<media playlist>` and its segments.
 * Pure: the same arguments always give the same list (its hash keys the sample course's video cache).
 */
export function buildHlsArgs(args: {
  input: MediaInputArg;
  outputDir: string;
  options: HlsOptions;
}): string[] {
  const parsedInput = MediaInputSchema.safeParse(args.input);
  if (!parsedInput.success)
    throw usageError(
      "MEDIA_INPUT_INVALID",
      `invalid media input: ${parsedInput.error.issues[0]?.message}`,
      "pass { kind: 'file', path, hasAudio } or { kind: 'synthetic', durationS }",
    );
  const input = parsedInput.data;
  if (!args.outputDir)
    throw usageError("HLS_OUTPUT_MISSING", "no output folder for HLS", "pass the folder to write into");
  const { options } = args;
  const seg = options.segmentSeconds;
  const withAudio = hasAudio(input);

  const maps = options.renditions.flatMap((_, i) => [
    "-map",
    `[v${i}]`,
    ...(withAudio ? ["-map", audioSource(input)] : []),
  ]);
  const rates = options.renditions.flatMap((r, i) => [
    `-b:v:${i}`,
    `${r.videoKbps}k`,
    `-maxrate:v:${i}`,
    `${maxrateOf(r)}k`,
    `-bufsize:v:${i}`,
    `${bufsizeOf(r)}k`,
    ...(withAudio ? [`-b:a:${i}`, `${r.audioKbps}k`] : []),
  ]);
  const gop = input.frameRate ? ["-g", String(Math.round(input.frameRate * seg))] : [];
  const x264Params = options.deterministic ? ["-x264-params", "threads=1:lookahead-threads=1"] : [];
  const streamMap = options.renditions
    .map((r, i) => (withAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`))
    .join(" ");

  return [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "error",
    "-y",
    ...inputArgs(input),
    "-filter_complex",
    filterGraph(options),
    ...maps,
    "-c:v",
    "libx264",
    "-preset",
    options.preset,
    "-profile:v",
    "main",
    "-pix_fmt",
    "yuv420p",
    // Keyframes exactly on segment boundaries and nowhere forced by scene cuts: every segment starts
    // with an IDR frame, so players can switch renditions at any boundary.
    "-force_key_frames",
    `expr:gte(t,n_forced*${seg})`,
    "-sc_threshold",
    "0",
    ...gop,
    ...x264Params,
    ...rates,
    ...(withAudio ? ["-c:a", "aac", "-ac", "2", "-ar", "48000"] : []),
    "-map_metadata",
    "-1",
    "-fflags",
    "+bitexact",
    "-flags:v",
    "+bitexact",
    ...(withAudio ? ["-flags:a", "+bitexact"] : []),
    "-f",
    "hls",
    "-hls_time",
    String(seg),
    "-hls_playlist_type",
    "vod",
    "-hls_flags",
    "independent_segments",
    "-hls_segment_type",
    "mpegts",
    "-hls_segment_filename",
    join(args.outputDir, "%v", SEGMENT_PATTERN),
    "-master_pl_name",
    options.masterPlaylistName,
    "-var_stream_map",
    streamMap,
    join(args.outputDir, "%v", options.mediaPlaylistName),
  ];
}
