import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type CourseProfile, inspectCourse } from "../../../sandbox-cli/src/course/index.ts";
import type { Db } from "./db.ts";
import { extractZip, UnsafeZipError } from "./unzip.ts";

export const COURSE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A failure the client caused; `status` is the HTTP answer. */
export class InstallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly findings: CourseProfile["findings"] = [],
  ) {
    super(message);
  }
}

export interface InstalledCourse {
  readonly id: string;
  readonly title: string;
  readonly format: CourseProfile["format"];
  readonly edition: string | null;
  readonly launches: CourseProfile["launches"];
  readonly warnings: CourseProfile["findings"];
}

export const courseDir = (dataDir: string, courseId: string) => join(dataDir, "courses", courseId);

export function slugFor(title: string): string {
  const base = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "course"}-${randomBytes(3).toString("hex")}`;
}

async function saveUpload(body: Readable, path: string, maxBytes: number): Promise<number> {
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes)
        callback(new InstallError(413, "UPLOAD_TOO_LARGE", `the upload is larger than ${maxBytes} bytes`));
      else callback(null, chunk);
    },
  });
  await pipeline(body, cap, createWriteStream(path, { mode: 0o600 }));
  return size;
}

/**
 * Stores an uploaded zip, validates it with the course intake module (a rejected package throws
 * InstallError 422 with its findings), unpacks it safely and records the course.
 */
export async function installCourse(args: {
  db: Db;
  dataDir: string;
  body: Readable;
  maxUploadBytes: number;
  requestedId?: string;
  replace: boolean;
  installedBy: string;
}): Promise<InstalledCourse> {
  const { db, dataDir } = args;
  if (args.requestedId !== undefined && !COURSE_ID_PATTERN.test(args.requestedId)) {
    throw new InstallError(
      400,
      "BAD_COURSE_ID",
      "id must be 1-63 lowercase letters, digits or '-', starting with a letter or digit",
    );
  }
  await mkdir(join(dataDir, "uploads"), { recursive: true });
  await mkdir(join(dataDir, "courses"), { recursive: true });
  const work = await mkdtemp(join(dataDir, "uploads", "install-"));
  try {
    const zipPath = join(work, "package.zip");
    const size = await saveUpload(args.body, zipPath, args.maxUploadBytes);
    if (size === 0)
      throw new InstallError(
        400,
        "EMPTY_UPLOAD",
        "the request body is empty: send the course zip as the body (Content-Type: application/zip)",
      );
    let profile: CourseProfile;
    try {
      profile = await inspectCourse(zipPath, { probeMedia: false, tempRoot: work });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InstallError(
        400,
        "NOT_A_COURSE_ZIP",
        `the upload could not be read as a course zip: ${message}`,
      );
    }
    if (!profile.valid) {
      throw new InstallError(
        422,
        "COURSE_INVALID",
        `the package was rejected by course intake (format ${profile.format})`,
        profile.findings,
      );
    }
    if (profile.launches.length === 0) {
      throw new InstallError(
        422,
        "COURSE_HAS_NO_LAUNCH",
        "the package declares nothing to launch",
        profile.findings,
      );
    }
    const title = profile.title ?? profile.launches[0]?.title ?? "Untitled course";
    const id = args.requestedId ?? slugFor(title);
    const existing = await db.query("SELECT 1 FROM courses WHERE id = $1", [id]);
    if (existing.rowCount && !args.replace) {
      throw new InstallError(
        409,
        "COURSE_EXISTS",
        `course ${id} is already installed; add ?replace=true to replace it`,
      );
    }
    const staging = join(work, "files");
    try {
      await extractZip(zipPath, staging, { maxEntries: 20_000, maxUncompressedBytes: 8 * 1024 ** 3 });
    } catch (error) {
      if (error instanceof UnsafeZipError) throw new InstallError(422, "UNSAFE_ZIP", error.message);
      throw error;
    }
    const target = courseDir(dataDir, id);
    const retired = join(work, "retired");
    await rename(target, retired).catch(() => undefined);
    await rename(staging, target);
    await db.query(
      `INSERT INTO courses (id, title, format, edition, launches, profile, sha256, installed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET title = $2, format = $3, edition = $4, launches = $5, profile = $6,
         sha256 = $7, installed_by = $8, installed_at = now()`,
      [
        id,
        title,
        profile.format,
        profile.edition ?? null,
        JSON.stringify(profile.launches),
        JSON.stringify(profile),
        profile.sha256,
        args.installedBy,
      ],
    );
    return {
      id,
      title,
      format: profile.format,
      edition: profile.edition ?? null,
      launches: profile.launches,
      warnings: profile.findings.filter((finding) => finding.severity !== "info"),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
