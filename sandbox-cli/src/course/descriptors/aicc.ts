import { type FindingCode, finding } from "../findings.ts";
import type { Finding, Launch } from "../profile.ts";
import type { FileRef } from "../references.ts";
import { decodeText } from "../xml.ts";
import { parseCsv, parseIni } from "./csv.ts";
import type { DescriptorResult } from "./result.ts";

export const aiccParts = ["crs", "au", "des", "cst"] as const;
export type AiccPart = (typeof aiccParts)[number];
export type AiccFiles = Partial<Record<AiccPart, { path: string; bytes: Uint8Array }>>;

/**
 * Parses an AICC course: .crs (INI), .au/.des/.cst (CSV with a header row in any letter case).
 * Each AU row is a launch: its file_name (plus web_launch parameters), titled from the .des file.
 */
export function parseAicc(files: AiccFiles): DescriptorResult {
  const findings: Finding[] = [];
  const references: FileRef[] = [];
  const launches: Launch[] = [];
  const crsPath = files.crs?.path ?? files.au?.path ?? "course.crs";
  const result: DescriptorResult = {
    format: "aicc",
    launches,
    findings,
    references,
    descriptor: { path: crsPath },
  };
  const at = (code: FindingCode, message: string, path?: string, line?: number) =>
    findings.push(finding(code, message, { path, line }));
  for (const part of aiccParts)
    if (!files[part])
      at(
        "AICC_MISSING_FILE",
        `the AICC course has no .${part} file next to its .crs; LMSs refuse the import`,
      );
  if (files.crs) {
    const ini = parseIni(decodeText(files.crs.bytes).text);
    const course = ini.get("course");
    const title = course?.get("course_title");
    if (title) result.title = title;
    const version = course?.get("version");
    if (version) result.descriptor.schemaVersion = version;
  }
  const titles = new Map<string, string>();
  const des = files.des && readTable(files.des.path, files.des.bytes, at);
  if (des) {
    const id = des.column("system_id");
    const title = des.column("title");
    for (const row of des.rows) if (id(row)) titles.set(id(row).toLowerCase(), title(row));
  }
  if (files.cst) readTable(files.cst.path, files.cst.bytes, at);
  const au = files.au && readTable(files.au.path, files.au.bytes, at);
  if (au && files.au) {
    const id = au.column("system_id");
    const fileName = au.column("file_name");
    const webLaunch = au.column("web_launch");
    if (!au.has("system_id") || !au.has("file_name"))
      at("AICC_BAD_CSV", `${files.au.path} needs the columns system_id and file_name`, files.au.path, 1);
    au.rows.forEach((row, index) => {
      const file = fileName(row);
      if (!id(row) || !file) return;
      const parameters = webLaunch(row);
      const url = parameters
        ? `${file}${file.includes("?") ? "&" : "?"}${parameters.replace(/^[?&]/, "")}`
        : file;
      references.push({ ref: file, baseDir: "", from: files.au?.path ?? "", line: index + 2, launch: true });
      launches.push({ id: id(row), title: titles.get(id(row).toLowerCase()) || id(row), url, kind: "au" });
    });
  }
  if (au && launches.length === 0)
    at(
      "NO_LAUNCHABLE",
      `${files.au?.path} lists no AU with a system_id and a file_name; learners would have nothing to start`,
      files.au?.path,
    );
  return result;
}

interface Table {
  rows: string[][];
  has(name: string): boolean;
  column(name: string): (row: string[]) => string;
}

function readTable(
  path: string,
  bytes: Uint8Array,
  at: (code: FindingCode, message: string, path?: string, line?: number) => void,
): Table | undefined {
  const parsed = parseCsv(decodeText(bytes).text);
  if ("error" in parsed) {
    at("AICC_BAD_CSV", `${path} is not valid CSV: ${parsed.error}`, path, parsed.line);
    return undefined;
  }
  const [header, ...rows] = parsed.rows;
  if (!header) {
    at("AICC_BAD_CSV", `${path} is empty; it needs a header row`, path, 1);
    return undefined;
  }
  const names = header.map((name) => name.trim().toLowerCase());
  return {
    rows,
    has: (name) => names.includes(name),
    column: (name) => {
      const index = names.indexOf(name);
      return (row) => (index < 0 ? "" : (row[index] ?? ""));
    },
  };
}
