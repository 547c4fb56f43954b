import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAicc } from "../../../sandbox-cli/src/course/descriptors/aicc.ts";
import { parseCmi5 } from "../../../sandbox-cli/src/course/descriptors/cmi5.ts";
import { parseCsv, parseIni } from "../../../sandbox-cli/src/course/descriptors/csv.ts";
import { parseScormManifest } from "../../../sandbox-cli/src/course/descriptors/scorm.ts";
import { parseTincan } from "../../../sandbox-cli/src/course/descriptors/xapi.ts";
import { PageScanner } from "../../../sandbox-cli/src/course/page-scan.ts";
import { checkEntryName, resolveRef } from "../../../sandbox-cli/src/course/paths.ts";
import { parseDash, parseHls } from "../../../sandbox-cli/src/course/playlists.ts";
import { FindingSchema } from "../../../sandbox-cli/src/course/profile.ts";
import { scorm12Manifest } from "./zips.ts";

const seeds = {
  scorm: scorm12Manifest(),
  cmi5: `<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"><course id="c"><title><langstring>T</langstring></title></course><block id="b"><au id="a" moveOn="Passed" masteryScore="0.5"><url>a.html</url></au></block></courseStructure>`,
  tincan: `<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities><activity id="a"><name>N</name><launch>i.html</launch></activity></activities></tincan>`,
  dash: `<MPD><Period><AdaptationSet><Representation bandwidth="100"/></AdaptationSet></Period></MPD>`,
};

/** Seeds cut, spliced and sprinkled with random bytes: mostly-XML garbage reaches deeper than pure noise. */
const garbled = (seed: string) =>
  fc
    .tuple(fc.nat(seed.length), fc.nat(seed.length), fc.uint8Array({ maxLength: 40 }), fc.boolean())
    .map(([a, b, noise, bom]) => {
      const [from, to] = a < b ? [a, b] : [b, a];
      const body = Buffer.concat([
        Buffer.from(seed.slice(0, from)),
        Buffer.from(noise),
        Buffer.from(seed.slice(to)),
      ]);
      return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
    });

const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.string({ maxLength: 500 }).map((s) => Buffer.from(s)),
);
const runs = { numRuns: 300 };

const findingsAreWellFormed = (result: { findings: unknown[] }) => {
  for (const finding of result.findings) expect(FindingSchema.safeParse(finding).success).toBe(true);
};

describe("parsers never throw on random or garbled input", () => {
  it("imsmanifest.xml", () => {
    fc.assert(
      fc.property(fc.oneof(anyBytes, garbled(seeds.scorm)), (bytes) =>
        findingsAreWellFormed(parseScormManifest(bytes, "imsmanifest.xml")),
      ),
      runs,
    );
  });
  it("cmi5.xml", () => {
    fc.assert(
      fc.property(fc.oneof(anyBytes, garbled(seeds.cmi5)), (bytes) =>
        findingsAreWellFormed(parseCmi5(bytes, "cmi5.xml")),
      ),
      runs,
    );
  });
  it("tincan.xml", () => {
    fc.assert(
      fc.property(fc.oneof(anyBytes, garbled(seeds.tincan)), (bytes) =>
        findingsAreWellFormed(parseTincan(bytes, "tincan.xml")),
      ),
      runs,
    );
  });
  it("AICC files, CSV and INI", () => {
    const csvish = fc
      .array(fc.constantFrom('"', ",", "\n", "\r", "a", "system_id", "file_name", " "), { maxLength: 60 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(csvish, anyBytes, csvish, (au, crs, des) => {
        parseCsv(au);
        parseIni(des);
        findingsAreWellFormed(
          parseAicc({
            crs: { path: "c.crs", bytes: crs },
            au: { path: "c.au", bytes: Buffer.from(au) },
            des: { path: "c.des", bytes: Buffer.from(des) },
          }),
        );
      }),
      runs,
    );
  });
  it("HLS and DASH playlists", () => {
    const hlsish = fc
      .array(
        fc.constantFrom(
          "#EXTM3U",
          "#EXT-X-STREAM-INF:BANDWIDTH=",
          "RESOLUTION=1x",
          ",",
          '"',
          "\n",
          "9",
          "a.m3u8",
        ),
        { maxLength: 40 },
      )
      .map((p) => p.join(""));
    fc.assert(
      fc.property(
        fc.oneof(
          anyBytes,
          hlsish.map((s) => Buffer.from(s)),
        ),
        garbled(seeds.dash),
        (hls, dash) => {
          parseHls(hls, "m.m3u8");
          parseDash(dash, "m.mpd");
        },
      ),
      runs,
    );
  });
  it("entry names, references and page scanning", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 100 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }),
        (name, ref, chunks) => {
          const check = checkEntryName(name);
          if (check.ok) expect(check.path.split("/")).not.toContain("..");
          const resolved = resolveRef("a/b", ref);
          if (resolved.kind === "local") expect(resolved.path.startsWith("..")).toBe(false);
          for (const kind of ["html", "css", "js"] as const) {
            const scanner = new PageScanner("p.html", kind, 1000);
            for (const chunk of chunks) scanner.push(Buffer.from(chunk));
            scanner.finish();
          }
        },
      ),
      runs,
    );
  });
});

describe("garbled zips never crash intake", () => {
  it("resolves with findings or rejects with a SandboxError, never anything else", async () => {
    const { buildZip, scratch } = await import("./zips.ts");
    const { inspectCourse } = await import("../../../sandbox-cli/src/course/index.ts");
    const { isSandboxError } = await import("../../../sandbox-cli/src/errors.ts");
    const { readdir, mkdir } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const work = await scratch();
    const tempRoot = join(work.dir, "tmp");
    await mkdir(tempRoot);
    const base = await buildZip([
      { name: "imsmanifest.xml", data: scorm12Manifest() },
      { name: "index.html", data: `<img src="a.png"><script src="https://cdn.example.org/x.js"></script>` },
      { name: "a.png", data: Buffer.alloc(3000, 7), compress: false },
    ]);
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 8,
          }),
          async (edits) => {
            const zip = Buffer.from(base);
            for (const [at, value] of edits) zip[at] = value;
            const file = await work.write(`g${n++}.zip`, zip);
            try {
              const profile = await inspectCourse(file, { probeMedia: false, tempRoot });
              for (const finding of profile.findings)
                expect(FindingSchema.safeParse(finding).success).toBe(true);
            } catch (error) {
              expect(isSandboxError(error)).toBe(true);
            }
            expect(await readdir(tempRoot)).toEqual([]);
          },
        ),
        { numRuns: 150 },
      );
    } finally {
      await work.cleanup();
    }
  });
});
