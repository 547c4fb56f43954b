import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseMasterPlaylist, renderMasterPlaylist } from "../../../loadtests/lib/hls/index.ts";
import { usageError } from "../errors.ts";
import { runProgram } from "../util/exec.ts";
import { type Logger, silentLogger } from "../util/log.ts";
import { buildHlsArgs, type MediaInput, type MediaInputArg } from "./ffmpeg-args.ts";
import { ffprobe } from "./ffprobe.ts";
import { type HlsOptionsInput, parseHlsOptions } from "./ladder.ts";
import { type HlsMeasurement, measureHls } from "./measure.ts";

const FFMPEG_INSTALL_HINT = "run `npm run setup` (installs Debian's ffmpeg), then `npx sandbox doctor`";

export interface PackageHlsResult extends HlsMeasurement {
  outputDir: string;
  ffmpegArgs: string[];
}

async function prepareOutputDir(outputDir: string, replace: boolean): Promise<void> {
  const existing = await readdir(outputDir).catch(() => undefined);
  if (existing && existing.length > 0) {
    if (!replace)
      throw usageError(
        "HLS_OUTPUT_NOT_EMPTY",
        `the HLS output folder ${outputDir} is not empty`,
        "choose an empty or new folder, or pass replace: true to delete its content first",
      );
    await rm(outputDir, { recursive: true, force: true });
  }
  await mkdir(outputDir, { recursive: true });
}

/**
 * Rewrites the master playlist with what was measured: BANDWIDTH is never below the real peak segment
 * bit rate (RFC 8216 requires it; ffmpeg declares maxrate + 10%, which VBV overshoot can exceed) and
 * AVERAGE-BANDWIDTH is the real nominal rate.
 */
export function withMeasuredBandwidth(masterText: string, measurement: HlsMeasurement): string {
  const variants = parseMasterPlaylist(masterText).map((variant, i) => {
    const measured = measurement.renditions[i];
    if (!measured) return variant;
    return {
      ...variant,
      bandwidthBps: Math.max(variant.bandwidthBps, measured.peakBitrateBps),
      averageBandwidthBps: measured.nominalBitrateBps,
    };
  });
  return renderMasterPlaylist(variants);
}

/**
 * Encodes `input` into an HLS ladder in `outputDir` with ffmpeg, then measures each rendition and
 * writes the master playlist from those measurements.
 */
export async function packageHls(args: {
  input: MediaInputArg;
  outputDir: string;
  options?: HlsOptionsInput;
  replace?: boolean;
  logger?: Logger;
}): Promise<PackageHlsResult> {
  const logger = args.logger ?? silentLogger;
  const options = parseHlsOptions(args.options);
  const outputDir = resolve(args.outputDir);
  if (args.input.kind === "file") {
    const info = await stat(args.input.path).catch(() => undefined);
    if (!info?.isFile())
      throw usageError(
        "MEDIA_INPUT_MISSING",
        `the video file ${args.input.path} does not exist`,
        "pass the path of a video file ffmpeg can read (mp4, mov, webm...)",
      );
  }
  const ffmpegArgs = buildHlsArgs({ input: args.input, outputDir, options });
  await prepareOutputDir(outputDir, args.replace ?? false);
  await logger.step(
    `packaging HLS (${options.renditions.map((r) => r.name).join("/")}, ${options.segmentSeconds}s segments)`,
    () =>
      runProgram("ffmpeg", ffmpegArgs, {
        installHint: FFMPEG_INSTALL_HINT,
        failureHint: "check the input plays (`ffprobe FILE`) and there is free disk space",
      }),
  );
  const measured = await measureHls(outputDir, options.masterPlaylistName);
  const masterPath = join(outputDir, options.masterPlaylistName);
  await writeFile(masterPath, withMeasuredBandwidth(await readFile(masterPath, "utf8"), measured));
  return { ...(await measureHls(outputDir, options.masterPlaylistName)), outputDir, ffmpegArgs };
}

/** Describes a video file for `packageHls` (audio present? frame rate?) using ffprobe. */
export async function probeMediaFile(path: string): Promise<MediaInput> {
  const probed = await ffprobe(path, { failureHint: `check that ${path} is a video file ffmpeg can read` });
  const streams = (probed as { streams?: { codec_type?: string; avg_frame_rate?: string }[] }).streams;
  const video = streams?.find((s) => s.codec_type === "video");
  if (!video)
    throw usageError(
      "MEDIA_INPUT_NO_VIDEO",
      `${path} has no video stream`,
      "pass a video file; audio-only media needs no HLS ladder",
    );
  const [num, den] = (video.avg_frame_rate ?? "0/1").split("/").map(Number);
  const frameRate = num && den ? num / den : undefined;
  return {
    kind: "file",
    path,
    hasAudio: Boolean(streams?.some((s) => s.codec_type === "audio")),
    ...(frameRate ? { frameRate } : {}),
  };
}
