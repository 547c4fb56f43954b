import { z } from "zod";
import { isSandboxError } from "../errors.ts";
import { ffprobe } from "../media/ffprobe.ts";
import { finding } from "./findings.ts";
import type { Finding, Media } from "./profile.ts";
import type { StoredRange } from "./source.ts";

/** Streaming pieces: segments and manifests of HLS and DASH ladders. */
export const streamingExtensions = new Set(["ts", "m4s", "m3u8", "mpd", "cmfv", "cmfa"]);

/** Whether a package path is media (a video or audio file, or part of a streaming ladder). */
export function isMediaPath(path: string): boolean {
  const extension = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return mediaExtensions.has(extension) || streamingExtensions.has(extension);
}

export const mediaExtensions = new Set([
  "mp4",
  "m4v",
  "mov",
  "webm",
  "mkv",
  "ogv",
  "avi",
  "wmv",
  "flv",
  "mpg",
  "mpeg",
  "mp3",
  "m4a",
  "aac",
  "wav",
  "ogg",
  "oga",
  "opus",
  "wma",
  "flac",
]);

/** Where ffprobe reads the media: a plain file, or a stored zip entry read in place. */
export type MediaLocation = { file: string } | { stored: StoredRange };

const ProbeSchema = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        bit_rate: z.string().optional(),
        disposition: z.object({ attached_pic: z.number().optional() }).partial().optional(),
      }),
    )
    .default([]),
  format: z
    .object({ duration: z.string().optional(), bit_rate: z.string().optional(), size: z.string().optional() })
    .default({}),
});

/** Turns ffprobe's JSON into a Media record; undefined when it holds no audio or video stream. */
export function mediaFromProbe(json: unknown, path: string, sizeBytes: number): Media | undefined {
  const parsed = ProbeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { streams, format } = parsed.data;
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === "audio");
  const main = video ?? audio;
  if (!main) return undefined;
  const durationS = positive(format.duration) ?? 0;
  const bitsPerSecond =
    positive(format.bit_rate) ??
    (durationS > 0 ? (sizeBytes * 8) / durationS : (positive(main.bit_rate) ?? 0));
  const media: Media = {
    path,
    kind: video ? "video" : "audio",
    durationS: round(durationS, 3),
    bitrateKbps: round(bitsPerSecond / 1000, 1),
    sizeBytes,
  };
  if (video?.width && video.height) Object.assign(media, { width: video.width, height: video.height });
  if (main.codec_name) media.codec = main.codec_name;
  return media;
}

const positive = (value: string | undefined) => {
  const number = Number(value);
  return value !== undefined && Number.isFinite(number) && number > 0 ? number : undefined;
};
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** ffprobe input: stored zip entries through the `subfile` protocol, so nothing is extracted. */
export function ffprobeInput(location: MediaLocation): string {
  if ("file" in location) return `file:${location.file}`;
  const { file, start, end } = location.stored;
  return `subfile,,start,${start},end,${end},,:${file}`;
}

export type ProbeOutcome = { media: Media } | { finding: Finding; missingTool?: boolean };

/** Runs ffprobe on one media file; any failure is a finding, never a rejection. */
export async function probeMedia(
  path: string,
  location: MediaLocation,
  sizeBytes: number,
): Promise<ProbeOutcome> {
  try {
    const media = mediaFromProbe(await ffprobe(ffprobeInput(location)), path, sizeBytes);
    if (media) return { media };
    return {
      finding: finding("MEDIA_UNREADABLE", `${path} holds no audio or video stream ffprobe can read`, {
        path,
      }),
    };
  } catch (error) {
    if (isSandboxError(error) && error.code === "TOOL_MISSING")
      return {
        finding: finding(
          "MEDIA_NOT_PROBED",
          "ffprobe is not installed, so media durations and bitrates are unknown; run `npm run setup`",
        ),
        missingTool: true,
      };
    const detail = (
      (error as Error).message.split("\n").slice(1).join(" ") || (error as Error).message
    ).slice(0, 200);
    return {
      finding: finding("MEDIA_UNREADABLE", `${path} could not be read as media by ffprobe: ${detail}`, {
        path,
      }),
    };
  }
}
