import { randomBytes } from "node:crypto";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectCourse } from "../../../sandbox-cli/src/course/index.ts";
import type { CourseProfile, IntakeOptions } from "../../../sandbox-cli/src/course/profile.ts";
import { buildZip, centralHeaderOffset, renameBytes, scorm12Manifest, scratch } from "./zips.ts";

let work: Awaited<ReturnType<typeof scratch>>;
let tempRoot: string;
let counter = 0;

beforeAll(async () => {
  work = await scratch();
  tempRoot = join(work.dir, "tmp");
  await mkdir(tempRoot);
});
afterAll(() => work.cleanup());

async function inspectBytes(zip: Buffer, options: IntakeOptions = {}): Promise<CourseProfile> {
  counter += 1;
  const file = await work.write(`case-${counter}.zip`, zip);
  const profile = await inspectCourse(file, { probeMedia: false, tempRoot, ...options });
  // nothing left behind, nothing written next to the package
  expect(await readdir(tempRoot)).toEqual([]);
  expect((await readdir(work.dir)).filter((name) => !name.startsWith("case-") && name !== "tmp")).toEqual([]);
  return profile;
}

const course = (extra: { name: string; data?: string | Buffer; compress?: boolean; mode?: number }[] = []) =>
  buildZip([
    { name: "imsmanifest.xml", data: scorm12Manifest() },
    { name: "index.html", data: "<p>hi</p>" },
    ...extra,
  ]);

const findingsOf = (profile: CourseProfile, code: string) => profile.findings.filter((f) => f.code === code);

describe("hostile and broken zips", () => {
  it("refuses ../ entries with UNSAFE_PATH and reads the rest", async () => {
    const zip = renameBytes(await course([{ name: "xx/evil.txt", data: "x" }]), "xx/evil.txt", "../evil.txt");
    const profile = await inspectBytes(zip);
    expect(findingsOf(profile, "UNSAFE_PATH")).toEqual([
      {
        code: "UNSAFE_PATH",
        severity: "error",
        path: "../evil.txt",
        message: `entry "../evil.txt" climbs out of the package with '..'; it was not read`,
      },
    ]);
    expect(profile.format).toBe("scorm12");
    expect(profile.valid).toBe(false);
    expect(profile.files.count).toBe(2);
  });

  it("refuses absolute paths and drive letters", async () => {
    let zip = renameBytes(await course([{ name: "aaaa/evil", data: "x" }]), "aaaa/evil", "/etc/evil");
    expect(findingsOf(await inspectBytes(zip), "UNSAFE_PATH")[0]?.message).toBe(
      `entry "/etc/evil" is an absolute path; it was not read`,
    );
    zip = renameBytes(await course([{ name: "cc/evil", data: "x" }]), "cc/evil", "C:/evil");
    expect(findingsOf(await inspectBytes(zip), "UNSAFE_PATH")[0]?.path).toBe("C:/evil");
  });

  it("refuses backslash separators instead of renaming them", async () => {
    const zip = renameBytes(await course([{ name: "dir/a.html", data: "x" }]), "dir/a.html", "dir\\a.html");
    const profile = await inspectBytes(zip);
    expect(findingsOf(profile, "BACKSLASH_PATH")[0]).toEqual({
      code: "BACKSLASH_PATH",
      severity: "error",
      path: "dir\\a.html",
      message: `entry "dir\\\\a.html" uses backslash separators (zip names must use '/'); it was not read`,
    });
  });

  it("refuses symbolic links", async () => {
    const profile = await inspectBytes(await course([{ name: "link", data: "/etc/passwd", mode: 0o120777 }]));
    expect(findingsOf(profile, "SYMLINK_ENTRY")[0]?.message).toBe(
      `entry "link" is a symbolic link; it was not followed`,
    );
  });

  it("reports duplicate entries and names that differ only in case", async () => {
    const zip = renameBytes(
      await course([
        { name: "a.html", data: "one" },
        { name: "b.html", data: "two" },
        { name: "Index.html", data: "three" },
      ]),
      "b.html",
      "a.html",
    );
    const profile = await inspectBytes(zip);
    expect(findingsOf(profile, "DUPLICATE_ENTRY")[0]?.message).toBe(
      `entry "a.html" appears more than once; only the first copy was read`,
    );
    expect(findingsOf(profile, "CASE_COLLISION")[0]?.message).toBe(
      `"Index.html" and "index.html" differ only in letter case; they overwrite each other on Windows and macOS`,
    );
  });

  it("reports damaged stored data as CORRUPT_ENTRY (CRC-32 mismatch)", async () => {
    const zip = await course([{ name: "data.txt", data: "A".repeat(5000), compress: false }]);
    const at = zip.indexOf("AAAAAAAAAA");
    zip[at + 10] = 0x42;
    const profile = await inspectBytes(zip);
    expect(findingsOf(profile, "CORRUPT_ENTRY")[0]?.message).toMatch(
      /^entry "data\.txt" is damaged: CRC-32 mismatch \(expected [0-9a-f]{8}, got [0-9a-f]{8}\)$/,
    );
  });

  it("reports damaged deflate data as CORRUPT_ENTRY", async () => {
    const text = Array.from({ length: 4000 }, (_, i) => `line ${i} ${(i * 7919) % 1000}`).join("\n");
    const zip = await course([{ name: "data.txt", data: text }]);
    const start = centralHeaderOffset(zip, 0) - 2000;
    for (let i = 0; i < 64; i++) zip[start + i] = (zip[start + i] ?? 0) ^ 0xff;
    const profile = await inspectBytes(zip);
    expect(findingsOf(profile, "CORRUPT_ENTRY")[0]?.message).toMatch(/^entry "data\.txt" is damaged: /);
  });

  it("stops at a zip bomb by ratio before inflating it", async () => {
    const profile = await inspectBytes(
      await course([{ name: "bomb.bin", data: Buffer.alloc(20 * 1024 * 1024) }]),
    );
    expect(findingsOf(profile, "COMPRESSION_RATIO")[0]?.message).toMatch(
      /^entry "bomb\.bin" expands \d+x \(over the cap of 200x\): a likely zip bomb; it was not inflated$/,
    );
  });

  it("catches an entry that inflates past its declared size", async () => {
    const zip = await course([{ name: "liar.bin", data: Buffer.alloc(2 * 1024 * 1024, 1) }]);
    // declare 4096 bytes in both the central directory (offset 24) and the local header (offset 22)
    const central = centralHeaderOffset(zip, 2);
    zip.writeUInt32LE(4096, central + 24);
    const localOffset = zip.readUInt32LE(central + 42);
    zip.writeUInt32LE(4096, localOffset + 22);
    const profile = await inspectBytes(zip, { maxCompressionRatio: 1000 });
    expect(findingsOf(profile, "CORRUPT_ENTRY")[0]?.message).toMatch(
      /^entry "liar\.bin" is damaged: too many bytes/,
    );
  });

  it("applies the total size and entry count caps", async () => {
    const zip = await course([
      { name: "a.txt", data: "x".repeat(600) },
      { name: "b.txt", data: "y".repeat(600) },
    ]);
    const big = await inspectBytes(zip, { maxUncompressedBytes: 1000 });
    expect(findingsOf(big, "TOO_LARGE")[0]?.message).toMatch(
      /takes the package over the cap of 1000 uncompressed bytes/,
    );
    const many = await inspectBytes(zip, { maxEntries: 3 });
    expect(findingsOf(many, "TOO_MANY_ENTRIES")[0]?.message).toBe(
      "the zip has more than 3 entries; only the first 3 were looked at (raise the cap with --max-entries if the package is genuine)",
    );
    expect(many.files.count).toBe(3);
  });

  it("refuses entries that share bytes (overlapping zip bomb)", async () => {
    const zip = await course([{ name: "c.txt", data: "same" }]);
    const first = centralHeaderOffset(zip, 0);
    const third = centralHeaderOffset(zip, 2);
    zip.writeUInt32LE(zip.readUInt32LE(first + 42), third + 42);
    const profile = await inspectBytes(zip);
    expect(findingsOf(profile, "OVERLAPPING_ENTRIES")[0]?.message).toBe(
      `entry "c.txt" shares its bytes with another entry (a zip bomb technique); it was not read`,
    );
  });

  it("reports encrypted entries and unsupported compression methods", async () => {
    const zip = await course([
      { name: "secret.txt", data: "s" },
      { name: "bzip.txt", data: "b" },
    ]);
    const secret = centralHeaderOffset(zip, 2);
    zip.writeUInt16LE(zip.readUInt16LE(secret + 8) | 1, secret + 8);
    zip.writeUInt16LE(12, centralHeaderOffset(zip, 3) + 10);
    const profile = await inspectBytes(zip);
    expect(findingsOf(profile, "ENCRYPTED_ENTRY")[0]?.message).toBe(
      `entry "secret.txt" is encrypted; it cannot be served to learners`,
    );
    expect(findingsOf(profile, "UNSUPPORTED_COMPRESSION")[0]?.message).toBe(
      `entry "bzip.txt" uses compression method 12; LMSs only read stored (0) and deflate (8) entries`,
    );
  });

  it("reports non-UTF-8 names and reads them as CP437", async () => {
    const zip = renameBytes(
      await course([{ name: "cafX.html", data: "x" }]),
      "cafX",
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    );
    const profile = await inspectBytes(zip);
    expect(findingsOf(profile, "NON_UTF8_NAME")[0]?.message).toMatch(
      /^entry name "caf.\.html" is not valid UTF-8/,
    );
  });

  it("reports an empty zip and a nested zip", async () => {
    const empty = await inspectBytes(await buildZip([]));
    expect(empty.findings).toEqual([
      {
        code: "EMPTY_PACKAGE",
        severity: "error",
        message: "the package has no files (or none that could be read safely)",
      },
    ]);
    const nested = await inspectBytes(
      await course([{ name: "inner.zip", data: await buildZip([{ name: "a", data: "a" }]) }]),
    );
    expect(findingsOf(nested, "NESTED_ZIP")[0]?.message).toBe(
      "inner.zip is a zip inside the package; it was not inspected and LMSs serve it as a download",
    );
    expect(nested.valid).toBe(true);
  });

  it("extracts deflated media only into its own temp dir and removes it", async () => {
    const profile = await inspectBytes(
      await course([{ name: "video/clip.mp4", data: "not really a video" }]),
      {
        probeMedia: true,
      },
    );
    expect(findingsOf(profile, "MEDIA_UNREADABLE")[0]?.message).toMatch(
      /^video\/clip\.mp4 could not be read as media by ffprobe/,
    );
  });
  it("caps the whole package's expansion: many small entries under the per-entry check (PACKAGE_COMPRESSION_RATIO)", async () => {
    const zeros = Buffer.alloc(256 * 1024);
    const many = Array.from({ length: 200 }, (_, i) => ({ name: `pad/${i}.bin`, data: zeros }));
    const profile = await inspectBytes(await course(many));
    expect(findingsOf(profile, "COMPRESSION_RATIO")).toEqual([]);
    expect(findingsOf(profile, "PACKAGE_COMPRESSION_RATIO")).toEqual([
      expect.objectContaining({
        severity: "error",
        message: expect.stringMatching(
          /^the 202 entries expand to \d+ bytes, \d+x the zip's \d+ bytes \(over the cap of 200x\): a likely zip bomb; nothing was inflated/,
        ),
      }),
    ]);
    expect(profile.valid).toBe(false);
    // a genuine package of the same size but little redundancy passes
    const noise = Array.from({ length: 4 }, (_, i) => ({
      name: `pad/${i}.bin`,
      data: randomBytes(256 * 1024),
    }));
    expect(findingsOf(await inspectBytes(await course(noise)), "PACKAGE_COMPRESSION_RATIO")).toEqual([]);
  });
});

describe("unusable input", () => {
  const fail = async (path: string) => {
    try {
      await inspectCourse(path, { tempRoot });
    } catch (error) {
      return error as { code: string; message: string; hint: string; exitCode: number };
    }
    throw new Error("expected a rejection");
  };

  it("names a missing path, a non-zip, an empty file, a truncated zip", async () => {
    expect(await fail(join(work.dir, "nope.zip"))).toMatchObject({
      code: "COURSE_NOT_FOUND",
      exitCode: 2,
      message: `${join(work.dir, "nope.zip")} does not exist`,
    });
    const text = await work.write("notes.txt", "hello");
    expect(await fail(text)).toMatchObject({
      code: "COURSE_NOT_A_ZIP",
      message: `${text} is not a zip file (it does not start with the zip signature PK)`,
      hint: "export the course from the authoring tool as a SCORM, cmi5, xAPI or AICC zip, or pass its unpacked folder",
    });
    const empty = await work.write("empty.zip", "");
    expect((await fail(empty)).message).toBe(`${empty} is not a zip file (it is empty)`);
    const whole = await course([{ name: "a.txt", data: "a".repeat(1000) }]);
    const truncated = await work.write("truncated.zip", whole.subarray(0, whole.length - 40));
    expect(await fail(truncated)).toMatchObject({ code: "COURSE_BAD_ZIP", exitCode: 2 });
    expect((await fail(truncated)).message).toMatch(/is a damaged or truncated zip: /);
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it("rejects invalid caps", async () => {
    await expect(inspectCourse(work.dir, { maxEntries: -1 })).rejects.toMatchObject({
      code: "COURSE_BAD_OPTIONS",
    });
  });
});

describe("what the scan keeps and what it notes", () => {
  it("does not parse a playlist over its size limit and says so (BAD_PLAYLIST)", async () => {
    const big = `#EXTM3U\n${"#".repeat(4 * 1024 * 1024)}\n`;
    const file = await work.write(
      "case-big-playlist.zip",
      await course([{ name: "video/master.m3u8", data: big, compress: false }]),
    );
    const profile = await inspectCourse(file, { probeMedia: false, tempRoot });
    expect(findingsOf(profile, "BAD_PLAYLIST")[0]?.message).toBe(
      "video/master.m3u8 is over 4194304 bytes; it was not parsed",
    );
  });

  it("notes names differing only in letter case in a folder too (CASE_COLLISION)", async () => {
    const dir = join(work.dir, "case-folder");
    await mkdir(dir);
    await writeFile(join(dir, "imsmanifest.xml"), scorm12Manifest());
    await writeFile(join(dir, "index.html"), "<p>hi</p>");
    await writeFile(join(dir, "Index.html"), "<p>twin</p>");
    const profile = await inspectCourse(dir, { probeMedia: false, tempRoot });
    const [collision] = findingsOf(profile, "CASE_COLLISION");
    expect(collision?.message).toMatch(
      /^"(Index|index)\.html" and "(Index|index)\.html" differ only in letter case; they overwrite each other on Windows and macOS$/,
    );
  });
});
