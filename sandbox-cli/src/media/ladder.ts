import { z } from "zod";
import { usageError } from "../errors.ts";

/** One rung of an HLS ladder. Bitrates in kbit/s; `maxrate`/`bufsize` default from `videoKbps`. */
export const RenditionSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/i, "use letters, digits, '-' or '_' (it becomes a folder name)"),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  videoKbps: z.number().int().positive(),
  maxrateKbps: z.number().int().positive().optional(),
  bufsizeKbps: z.number().int().positive().optional(),
  audioKbps: z.number().int().positive().default(96),
});
export type Rendition = z.infer<typeof RenditionSchema>;
export type RenditionInput = z.input<typeof RenditionSchema>;

export const HlsOptionsSchema = z.object({
  renditions: z.array(RenditionSchema).min(1),
  /** Target segment length; keyframes are forced on every boundary so segments cut exactly there. */
  segmentSeconds: z.number().positive().max(60).default(6),
  /** libx264 preset; `veryfast` keeps a 720p ladder well under real time on 2 cores. */
  preset: z
    .enum(["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"])
    .default("veryfast"),
  /**
   * Byte-identical output for identical input: one x264 thread per encoder. Measured here: threaded
   * x264 with VBV gives different bytes run to run, single-threaded does not (about 1.6x slower).
   */
  deterministic: z.boolean().default(false),
  masterPlaylistName: z
    .string()
    .regex(/^[\w.-]+\.m3u8$/)
    .default("master.m3u8"),
  mediaPlaylistName: z
    .string()
    .regex(/^[\w.-]+\.m3u8$/)
    .default("index.m3u8"),
});
export type HlsOptions = z.infer<typeof HlsOptionsSchema>;
export type HlsOptionsInput = z.input<typeof HlsOptionsSchema>;

/** 360p/540p/720p at bitrates typical for talking-head corporate video (Apple's authoring guide range). */
export const DEFAULT_LADDER: readonly RenditionInput[] = [
  { name: "360p", width: 640, height: 360, videoKbps: 600 },
  { name: "540p", width: 960, height: 540, videoKbps: 1200 },
  { name: "720p", width: 1280, height: 720, videoKbps: 2400 },
];

/** Capped VBR: peaks stay within 10% of the average, the decoder buffer holds 2 s. */
export const maxrateOf = (r: Rendition) => r.maxrateKbps ?? Math.round(r.videoKbps * 1.1);
export const bufsizeOf = (r: Rendition) => r.bufsizeKbps ?? r.videoKbps * 2;

/** Applies defaults and checks what zod cannot: unique names, even sizes (yuv420p needs them). */
export function parseHlsOptions(input: HlsOptionsInput = { renditions: [...DEFAULT_LADDER] }): HlsOptions {
  const parsed = HlsOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usageError(
      "HLS_LADDER_INVALID",
      `invalid HLS ladder: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
      "give at least one rendition with name, width, height and videoKbps, e.g. { name: '360p', width: 640, height: 360, videoKbps: 600 }",
    );
  }
  const options = parsed.data;
  const seen = new Set<string>();
  for (const r of options.renditions) {
    if (seen.has(r.name))
      throw usageError(
        "HLS_LADDER_INVALID",
        `rendition name "${r.name}" is used twice`,
        "give every rendition a distinct name",
      );
    seen.add(r.name);
    if (r.width % 2 !== 0 || r.height % 2 !== 0)
      throw usageError(
        "HLS_LADDER_INVALID",
        `rendition "${r.name}" is ${r.width}x${r.height}; H.264 in yuv420p needs even width and height`,
        `use an even size such as ${r.width + (r.width % 2)}x${r.height + (r.height % 2)}`,
      );
    if (maxrateOf(r) < r.videoKbps)
      throw usageError(
        "HLS_LADDER_INVALID",
        `rendition "${r.name}" has maxrateKbps ${maxrateOf(r)} below videoKbps ${r.videoKbps}`,
        "set maxrateKbps at or above videoKbps, or leave it out (defaults to 110%)",
      );
  }
  return options;
}
