import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { capacityResultSchema } from "../capacity/result-schema.ts";
import { CourseProfileSchema } from "../course/profile.ts";
import { usageError } from "../errors.ts";
import { loadRunResultSchema } from "../loadtest/result-schema.ts";
import { parseSpecText } from "../sandbox-spec/load-spec.ts";
import { sha256Hex } from "./canonical.ts";
import { policyResultSchema, provenanceSchema, type ReportInput, runDirFiles } from "./input.ts";
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type Report, reportSchema } from "./schema.ts";

const REBUILD_HINT =
  "pass a report.json written by `sandbox report`, or a run folder: `sandbox report --from RUN_DIR`";

/** Reads and checks a report.json; every way it can be wrong gets its own message and fix (exit 2). */
export async function readReportFile(file: string): Promise<Report> {
  const path = resolve(file);
  const data = await readJson(path, "REPORT", REBUILD_HINT);
  if (data === null || typeof data !== "object" || Array.isArray(data) || !("schemaVersion" in data)) {
    throw usageError(
      "REPORT_NOT_A_REPORT",
      `${path} is not a promotion report: it has no "schemaVersion" field`,
      REBUILD_HINT,
    );
  }
  const { schemaVersion, kind } = data as { schemaVersion: unknown; kind?: unknown };
  if (kind !== undefined && kind !== REPORT_KIND) {
    throw usageError(
      "REPORT_NOT_A_REPORT",
      `${path} is not a promotion report: its kind is ${JSON.stringify(kind)}, expected "${REPORT_KIND}"`,
      REBUILD_HINT,
    );
  }
  if (schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw usageError(
      "REPORT_UNKNOWN_VERSION",
      `${path} has schemaVersion ${JSON.stringify(schemaVersion)}; this version of sandbox reads schemaVersion ${REPORT_SCHEMA_VERSION}`,
      "rebuild the report with this version (`sandbox report --from RUN_DIR`), or read it with the sandbox version that wrote it",
    );
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) {
    throw usageError(
      "REPORT_INVALID",
      `${path} is not a valid promotion report:\n${issues(parsed.error)}`,
      REBUILD_HINT,
    );
  }
  return parsed.data;
}

/** Assembles a ReportInput from the files a run leaves in its folder (see runDirFiles). */
export async function readRunDir(dir: string, generatedAt: string): Promise<ReportInput> {
  const root = resolve(dir);
  const specPath = join(root, runDirFiles.spec);
  const specText = await readRequired(specPath, root);
  const { spec, sites } = parseSpecText(specText, specPath);
  const provenance = await readPart(
    root,
    runDirFiles.provenance,
    provenanceSchema.extend({ specSha256: provenanceSchema.shape.specSha256.optional() }),
    true,
  );
  return {
    spec,
    sites,
    course: await readPart(root, runDirFiles.course, CourseProfileSchema),
    // `sandbox loadtest` names its result result.json inside its own run folder
    load:
      (await readPart(root, runDirFiles.load, loadRunResultSchema)) ??
      (await readPart(root, runDirFiles.loadEngineResult, loadRunResultSchema)),
    capacity: await readPart(root, runDirFiles.capacity, capacityResultSchema),
    policy: (await readPart(root, runDirFiles.policy, z.array(policyResultSchema))) ?? [],
    provenance: {
      ...(provenance as NonNullable<typeof provenance>),
      specSha256: provenance?.specSha256 ?? sha256Hex(specText),
    },
    generatedAt,
  };
}

/** Whether --from names a run folder (true) or a report.json (false); a missing path is a usage error. */
export async function isRunDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    throw usageError(
      "REPORT_FROM_MISSING",
      `--from ${path} does not exist`,
      "pass the run folder that `sandbox loadtest` or `sandbox nightly` wrote, or a report.json",
      error,
    );
  }
}

async function readRequired(path: string, root: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw usageError(
      "RUN_DIR_INCOMPLETE",
      `${root} is not a run folder: ${path} is missing`,
      `a run folder holds ${Object.values(runDirFiles).join(", ")} (${runDirFiles.spec} and ${runDirFiles.provenance} are required); pass one, or a report.json`,
      error,
    );
  }
}

async function readPart<T extends z.ZodType>(
  root: string,
  name: string,
  schema: T,
  required = false,
): Promise<z.output<T> | null> {
  const path = join(root, name);
  let exists = true;
  try {
    await stat(path);
  } catch {
    exists = false;
  }
  if (!exists) {
    if (required) await readRequired(path, root);
    return null;
  }
  const data = await readJson(
    path,
    "RUN_FILE",
    `fix or regenerate ${name} (it is written by the step that produced it)`,
  );
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw usageError(
      "RUN_FILE_INVALID",
      `${path} does not match its contract:\n${issues(parsed.error)}`,
      `regenerate ${name} with this version of sandbox (its producer and the report must agree on the contract)`,
    );
  }
  return parsed.data;
}

async function readJson(path: string, codePrefix: string, hint: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw usageError(
      `${codePrefix}_UNREADABLE`,
      `cannot read ${path}: ${(error as Error).message}`,
      hint,
      error,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(
      `${codePrefix}_NOT_JSON`,
      `${path} is not JSON: ${(error as Error).message}`,
      hint,
      error,
    );
  }
}

function issues(error: z.ZodError): string {
  const lines = error.issues
    .slice(0, 8)
    .map((i) => `  - ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message}`);
  if (error.issues.length > 8) lines.push(`  - ... and ${error.issues.length - 8} more`);
  return lines.join("\n");
}
