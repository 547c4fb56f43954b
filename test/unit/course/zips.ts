import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yazl from "yazl";

export interface ZipItem {
  name: string;
  data?: string | Buffer;
  compress?: boolean;
  mode?: number;
}

/** Builds a zip in memory with yazl; hostile names are made afterwards with `renameBytes`. */
export function buildZip(items: readonly ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const item of items) {
    const options: Partial<yazl.Options> = { compress: item.compress ?? true, mtime: new Date(2024, 0, 1) };
    if (item.mode !== undefined) options.mode = item.mode;
    if (item.name.endsWith("/")) zip.addEmptyDirectory(item.name, { mtime: new Date(2024, 0, 1) });
    else zip.addBuffer(Buffer.from(item.data ?? ""), item.name, options);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

/** Replaces every occurrence of `from` with `to` (same byte length): local header and central directory. */
export function renameBytes(zip: Buffer, from: string | Buffer, to: string | Buffer): Buffer {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  if (a.length !== b.length) throw new Error("renameBytes needs names of the same length");
  const out = Buffer.from(zip);
  let at = out.indexOf(a);
  let count = 0;
  while (at >= 0) {
    b.copy(out, at);
    count++;
    at = out.indexOf(a, at + a.length);
  }
  if (count === 0) throw new Error(`"${a}" not found in the zip`);
  return out;
}

/** Offset of the central directory header (signature PK\1\2) of the n-th entry. */
export function centralHeaderOffset(zip: Buffer, index = 0): number {
  let at = -1;
  for (let i = 0; i <= index; i++) at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 1);
  if (at < 0) throw new Error("central directory header not found");
  return at;
}

/** A scratch folder per test file; `cleanup` removes it. */
export async function scratch(): Promise<{
  dir: string;
  write(name: string, data: Buffer | string): Promise<string>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "course-test-"));
  return {
    dir,
    async write(name, data) {
      const path = join(dir, name);
      await writeFile(path, data);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export const scorm12Manifest = (href = "index.html", extra = "") => `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m1" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1"><title>Test course</title>
      <item identifier="item1" identifierref="res1"><title>Lesson one</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="${href}"><file href="${href}"/></resource>
    ${extra}
  </resources>
</manifest>`;
