import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { usageError } from "../errors.ts";
import { writeFileAtomic } from "../util/disk-space.ts";
import { canonicalJson, sha256Hex } from "./canonical.ts";
import { renderHtml } from "./render-html.ts";
import { renderJunit } from "./render-junit.ts";
import { renderMarkdown } from "./render-md.ts";
import type { Report } from "./schema.ts";

export interface WrittenReport {
  json: string;
  html: string;
  md: string;
  junit: string;
  /** sha256 of report.json's exact bytes. */
  sha256: string;
}

/** Writes report.json (canonical), report.html, report.md and junit.xml into outDir. */
export async function writeReport(report: Report, outDir: string): Promise<WrittenReport> {
  const dir = resolve(outDir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw usageError(
      "REPORT_OUT_UNWRITABLE",
      `cannot create the report folder ${dir}: ${(error as Error).message}`,
      "pass --out DIR with a folder you can write to",
      error,
    );
  }
  const json = canonicalJson(report);
  const files = {
    json: ["report.json", json],
    html: ["report.html", await renderHtml(report)],
    md: ["report.md", renderMarkdown(report)],
    junit: ["junit.xml", renderJunit(report)],
  } as const;
  const paths = {} as Record<keyof typeof files, string>;
  for (const [key, [name, content]] of Object.entries(files) as [
    keyof typeof files,
    readonly [string, string],
  ][]) {
    paths[key] = await writeAtomically(join(dir, name), content);
  }
  return { ...paths, sha256: sha256Hex(json) };
}

// A reader (CI, a browser) never sees half a file: write beside it, then rename over it.
async function writeAtomically(path: string, content: string): Promise<string> {
  await writeFileAtomic(path, content);
  return path;
}
