import { z } from "zod";

/**
 * The CourseProfile contract (ARCHITECTURE.md, "Contracts"): what `sandbox course inspect --json`
 * prints and what install and load planning read. Add fields only; never rename or remove one.
 */

export const courseFormats = ["scorm12", "scorm2004", "xapi", "cmi5", "aicc", "unknown"] as const;
export const CourseFormatSchema = z.enum(courseFormats);
export type CourseFormat = z.infer<typeof CourseFormatSchema>;

export const Scorm2004EditionSchema = z.enum(["2nd", "3rd", "4th"]);
export type Scorm2004Edition = z.infer<typeof Scorm2004EditionSchema>;

export const SeveritySchema = z.enum(["error", "warning", "info"]);
export type Severity = z.infer<typeof SeveritySchema>;

/** One problem or remark; `code` is stable and documented in docs/findings.md. */
export const FindingSchema = z.object({
  code: z.string(),
  severity: SeveritySchema,
  message: z.string(),
  path: z.string().optional(),
  line: z.number().int().positive().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** Something a learner starts: a SCO/asset (SCORM), an activity (xAPI), an AU (cmi5, AICC). */
export const LaunchSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Relative to the package root (query string kept), or absolute when the course is hosted elsewhere. */
  url: z.string(),
  /** sco | asset (SCORM), activity (xAPI), au (cmi5, AICC). */
  kind: z.enum(["sco", "asset", "activity", "au"]).optional(),
});
export type Launch = z.infer<typeof LaunchSchema>;

export const FilesSchema = z.object({
  count: z.number().int().nonnegative(),
  compressedBytes: z.number().int().nonnegative(),
  uncompressedBytes: z.number().int().nonnegative(),
  /** uncompressed bytes of audio/video files, HLS/DASH segments and playlists (what a media server serves). */
  mediaBytes: z.number().int().nonnegative().optional(),
});
export type Files = z.infer<typeof FilesSchema>;

export const MediaSchema = z.object({
  path: z.string(),
  kind: z.enum(["video", "audio"]),
  durationS: z.number().nonnegative(),
  bitrateKbps: z.number().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** Container or codec name as ffprobe reports it (for example "h264", "aac"). */
  codec: z.string().optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
});
export type Media = z.infer<typeof MediaSchema>;

/** One rendition of an adaptive stream: BANDWIDTH (HLS) or @bandwidth (DASH), in bit/s. */
export const PlaylistLevelSchema = z.object({
  bandwidthBps: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  codecs: z.string().optional(),
  uri: z.string().optional(),
});
export type PlaylistLevel = z.infer<typeof PlaylistLevelSchema>;

export const PlaylistSchema = z.object({
  path: z.string(),
  protocol: z.enum(["hls", "dash"]),
  /** Highest bandwidth first; empty for a media (non-master) HLS playlist. */
  levels: z.array(PlaylistLevelSchema),
});
export type Playlist = z.infer<typeof PlaylistSchema>;

/** Absolute URLs found in descriptors and html/js/css, grouped by host. */
export const ExternalHostSchema = z.object({
  host: z.string(),
  /** True when at least one reference uses plain http (flagged as EXTERNAL_HTTP). */
  plainHttp: z.boolean(),
  references: z.number().int().positive(),
  /** Up to a few example references, for the report. */
  examples: z.array(z.object({ path: z.string(), url: z.string() })),
});
export type ExternalHost = z.infer<typeof ExternalHostSchema>;

export const ObsoleteTechnologySchema = z.object({
  kind: z.enum(["flash", "java-applet", "silverlight", "shockwave"]),
  path: z.string(),
});
export type ObsoleteTechnology = z.infer<typeof ObsoleteTechnologySchema>;

export const Cmi5AuSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string(),
  moveOn: z.string(),
  masteryScore: z.number().optional(),
  launchMethod: z.string(),
  activityType: z.string().optional(),
});
export const Cmi5BlockSchema = z.object({
  id: z.string(),
  title: z.string(),
  auIds: z.array(z.string()),
});
export const Cmi5DetailsSchema = z.object({
  courseId: z.string(),
  title: z.string(),
  blocks: z.array(Cmi5BlockSchema),
  aus: z.array(Cmi5AuSchema),
});
export type Cmi5Details = z.infer<typeof Cmi5DetailsSchema>;

/** Where the descriptor was found and what it declares, beyond the launches. */
export const DescriptorSchema = z.object({
  path: z.string(),
  /** SCORM `<schemaversion>` or cmi5/tincan namespace, as written. */
  schemaVersion: z.string().optional(),
  /** SCORM 2004: `<imsss:sequencing>` present anywhere. */
  hasSequencing: z.boolean().optional(),
});
export type Descriptor = z.infer<typeof DescriptorSchema>;

export const CourseProfileSchema = z.object({
  schemaVersion: z.literal(1),
  source: z.object({ path: z.string(), kind: z.enum(["zip", "dir"]) }),
  format: CourseFormatSchema,
  /** Only for SCORM 2004. */
  edition: Scorm2004EditionSchema.optional(),
  title: z.string().optional(),
  /** False when any finding has severity "error". */
  valid: z.boolean(),
  findings: z.array(FindingSchema),
  launches: z.array(LaunchSchema),
  files: FilesSchema,
  media: z.array(MediaSchema),
  playlists: z.array(PlaylistSchema),
  externalHosts: z.array(ExternalHostSchema),
  obsoleteTechnology: z.array(ObsoleteTechnologySchema),
  /** Mbit/s one learner needs at the busiest moment: the highest media bitrate or playlist level. */
  estimatedPeakMbps: z.number().nonnegative(),
  descriptor: DescriptorSchema.optional(),
  cmi5: Cmi5DetailsSchema.optional(),
  /** zip: sha256 of the file; dir: sha256 over the sorted "path\0sha256(content)\n" lines. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type CourseProfile = z.infer<typeof CourseProfileSchema>;

/** Caps against hostile packages; every field has a documented default (see DEFAULT_INTAKE_CAPS). */
export const IntakeOptionsSchema = z.object({
  maxEntries: z.number().int().positive().optional(),
  maxUncompressedBytes: z.number().int().positive().optional(),
  /** Per entry uncompressed/compressed, checked on the bytes actually inflated. */
  maxCompressionRatio: z.number().positive().optional(),
  /** Where the private temp dir is created (default: os.tmpdir()). */
  tempRoot: z.string().optional(),
  /** Run ffprobe on media files (default true); when false media get size only and a MEDIA_NOT_PROBED note. */
  probeMedia: z.boolean().optional(),
});
export type IntakeOptions = z.infer<typeof IntakeOptionsSchema>;

export { DEFAULT_INTAKE_CAPS } from "./intake-caps.ts";
