import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { usageError } from "../errors.ts";
import { parseAicc } from "./descriptors/aicc.ts";
import { parseCmi5 } from "./descriptors/cmi5.ts";
import type { DescriptorResult } from "./descriptors/result.ts";
import { parseScormManifest } from "./descriptors/scorm.ts";
import { parseTincan } from "./descriptors/xapi.ts";
import { type DescriptorChoice, detectDescriptor } from "./detect.ts";
import { openDirSource } from "./dir-source.ts";
import { groupExternalHosts } from "./external-hosts.ts";
import { finding, hasErrors, sortFindings } from "./findings.ts";
import { isMediaPath } from "./media.ts";
import { type ParsedPlaylist, parseDash, parseHls } from "./playlists.ts";
import {
  type CourseProfile,
  CourseProfileSchema,
  DEFAULT_INTAKE_CAPS,
  type Finding,
  type IntakeOptions,
  IntakeOptionsSchema,
  type Media,
  type Playlist,
} from "./profile.ts";
import { checkReferences } from "./references.ts";
import { type ScanResult, scanSource } from "./scan.ts";
import type { CourseSource, SourceCaps } from "./source.ts";
import { openZipSource } from "./zip-source.ts";

/** See index.ts for the contract. */
export async function inspectCourse(input: string, options: IntakeOptions = {}): Promise<CourseProfile> {
  const parsedOptions = IntakeOptionsSchema.safeParse(options);
  if (!parsedOptions.success)
    throw usageError(
      "COURSE_BAD_OPTIONS",
      `invalid intake options: ${parsedOptions.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
      "caps must be positive numbers",
    );
  const caps: SourceCaps = {
    maxEntries: options.maxEntries ?? DEFAULT_INTAKE_CAPS.maxEntries,
    maxUncompressedBytes: options.maxUncompressedBytes ?? DEFAULT_INTAKE_CAPS.maxUncompressedBytes,
    maxCompressionRatio: options.maxCompressionRatio ?? DEFAULT_INTAKE_CAPS.maxCompressionRatio,
  };
  if (input.trim() === "")
    throw usageError(
      "COURSE_PATH_EMPTY",
      "the course path is empty",
      "pass the path of a course .zip file or of an unpacked course folder (use . for the current folder)",
    );
  const location = resolve(input);
  const source = await openSource(location, caps);
  try {
    const tempRoot = options.tempRoot ?? tmpdir();
    const tempDir = await mkdtemp(join(tempRoot, "sandbox-course-")).catch((error: NodeJS.ErrnoException) => {
      throw usageError(
        "COURSE_TEMP_DIR",
        `cannot create a temporary folder under ${tempRoot} (${error.code})`,
        "point TMPDIR (or tempRoot) at an existing, writable folder",
        error,
      );
    });
    try {
      return await analyse(source, tempDir, options.probeMedia ?? true);
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  } finally {
    await source.close();
  }
}

async function openSource(location: string, caps: SourceCaps): Promise<CourseSource> {
  const stats = await stat(location).catch((error: NodeJS.ErrnoException) => {
    throw usageError(
      error.code === "ENOENT" ? "COURSE_NOT_FOUND" : "COURSE_UNREADABLE",
      error.code === "ENOENT" ? `${location} does not exist` : `${location} cannot be read (${error.code})`,
      "pass the path of a course .zip file or of an unpacked course folder",
      error,
    );
  });
  if (stats.isDirectory()) return openDirSource(location, caps);
  if (!stats.isFile())
    throw usageError(
      "COURSE_NOT_A_FILE",
      `${location} is neither a file nor a folder`,
      "pass the path of a course .zip file or of an unpacked course folder",
    );
  const head = await readHead(location);
  if (head.length < 4 || head.readUInt16BE(0) !== 0x504b)
    throw usageError(
      "COURSE_NOT_A_ZIP",
      `${location} is not a zip file (${head.length === 0 ? "it is empty" : "it does not start with the zip signature PK"})`,
      "export the course from the authoring tool as a SCORM, cmi5, xAPI or AICC zip, or pass its unpacked folder",
    );
  try {
    return await openZipSource(location, caps);
  } catch (error) {
    throw usageError(
      "COURSE_BAD_ZIP",
      `${location} is a damaged or truncated zip: ${(error as Error).message}`,
      "download or export the package again; `unzip -t` shows the same damage",
      error,
    );
  }
}

async function readHead(location: string): Promise<Buffer> {
  const handle = await open(location, "r").catch((error: NodeJS.ErrnoException) => {
    throw usageError(
      "COURSE_UNREADABLE",
      `${location} cannot be read (${error.code})`,
      "check the file's permissions",
      error,
    );
  });
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function analyse(source: CourseSource, tempDir: string, probeMedia: boolean): Promise<CourseProfile> {
  const paths = source.entries.map((entry) => entry.path);
  const findings: Finding[] = [];
  if (paths.length === 0)
    findings.push(finding("EMPTY_PACKAGE", "the package has no files (or none that could be read safely)"));
  const detected =
    paths.length > 0 ? detectDescriptor(paths) : { choice: { kind: "none" } as const, findings: [] };
  findings.push(...detected.findings);
  const scanned = await scanSource(source, {
    buffered: descriptorPaths(detected.choice),
    tempDir,
    probeMedia,
  });
  // the source adds findings while it streams (damaged entries), so read them after the scan
  findings.push(...source.findings, ...scanned.findings);
  const descriptor = parseDescriptor(detected.choice, scanned);
  const playlists = parsePlaylists(scanned.playlists);
  const files = new Set(paths);
  const checked = checkReferences(
    [...(descriptor?.references ?? []), ...playlists.flatMap((item) => item.refs), ...scanned.pageRefs],
    files,
  );
  const external = groupExternalHosts(checked.externalUrls);
  findings.push(
    ...(descriptor?.findings ?? []),
    ...playlists.flatMap((item) => item.findings),
    ...checked.findings,
    ...external.findings,
  );
  const obsolete = dedupeObsolete(scanned.obsolete);
  for (const item of obsolete)
    findings.push(
      finding(
        "OBSOLETE_TECHNOLOGY",
        `${item.path} uses ${obsoleteLabel[item.kind]}, which no current browser runs`,
        {
          path: item.path,
        },
      ),
    );
  const media = [...scanned.media].sort((a, b) => a.path.localeCompare(b.path));
  const playlistList = playlists.flatMap((item) => (item.playlist ? [item.playlist] : []));
  const sorted = sortFindings(findings.sort((a, b) => (a.path ?? "").localeCompare(b.path ?? "")));
  const profile: CourseProfile = {
    schemaVersion: 1,
    source: { path: source.location, kind: source.kind },
    format: descriptor?.format ?? "unknown",
    valid: !hasErrors(sorted),
    findings: sorted,
    launches: descriptor?.launches ?? [],
    files: {
      count: source.entries.length,
      compressedBytes: sum(source.entries.map((entry) => entry.compressedBytes)),
      uncompressedBytes: sum(source.entries.map((entry) => entry.uncompressedBytes)),
      mediaBytes: sum(
        source.entries.filter((entry) => isMediaPath(entry.path)).map((entry) => entry.uncompressedBytes),
      ),
    },
    media,
    playlists: playlistList,
    externalHosts: external.hosts,
    obsoleteTechnology: obsolete,
    estimatedPeakMbps: estimatePeakMbps(media, playlistList),
    sha256: scanned.sha256,
  };
  if (descriptor?.edition) profile.edition = descriptor.edition;
  if (descriptor?.title) profile.title = descriptor.title;
  if (descriptor) profile.descriptor = descriptor.descriptor;
  if (descriptor?.cmi5) profile.cmi5 = descriptor.cmi5;
  return CourseProfileSchema.parse(profile);
}

function descriptorPaths(choice: DescriptorChoice): Set<string> {
  if (choice.kind === "none") return new Set();
  if (choice.kind === "aicc") return new Set(Object.values(choice.parts));
  return new Set([choice.path]);
}

function parseDescriptor(choice: DescriptorChoice, scanned: ScanResult): DescriptorResult | undefined {
  if (choice.kind === "none") return undefined;
  if (choice.kind === "aicc") {
    const files: Parameters<typeof parseAicc>[0] = {};
    for (const [part, path] of Object.entries(choice.parts)) {
      const bytes = scanned.buffers.get(path);
      if (bytes) files[part as keyof typeof files] = { path, bytes };
    }
    return parseAicc(files);
  }
  const bytes = scanned.buffers.get(choice.path);
  if (!bytes) return undefined;
  if (choice.kind === "scorm") return parseScormManifest(bytes, choice.path);
  if (choice.kind === "cmi5") return parseCmi5(bytes, choice.path);
  return parseTincan(bytes, choice.path);
}

function parsePlaylists(buffers: ReadonlyMap<string, Uint8Array>): ParsedPlaylist[] {
  return [...buffers.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, bytes]) =>
      path.toLowerCase().endsWith(".mpd") ? parseDash(bytes, path) : parseHls(bytes, path),
    );
}

/**
 * What one learner pulls at the busiest moment: a learner watches one video at a time, and an
 * adaptive player climbs to the top level when the link allows, so the peak is the highest of the
 * media bitrates and the top playlist levels. 0 when the course has no media.
 */
export function estimatePeakMbps(media: readonly Media[], playlists: readonly Playlist[]): number {
  const bitrates = [
    ...media.map((item) => item.bitrateKbps * 1000),
    ...playlists.flatMap((playlist) => playlist.levels.map((level) => level.bandwidthBps)),
  ];
  const peak = Math.max(0, ...bitrates);
  return Math.round(peak / 10_000) / 100;
}

const obsoleteLabel = {
  flash: "Adobe Flash",
  "java-applet": "Java applets",
  silverlight: "Microsoft Silverlight",
  shockwave: "Adobe Shockwave",
} as const;

function dedupeObsolete(items: ScanResult["obsolete"]): ScanResult["obsolete"] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.kind}\0${item.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
