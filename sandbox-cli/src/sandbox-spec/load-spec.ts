import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { isMap, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { findCatalogEntry, findUnavailableCandidate, listCandidates } from "../../../stacks/catalog/index.ts";
import { missingToolError, usageError } from "../errors.ts";
import { allowedKeysAt, describeIssue } from "./issues.ts";
import { type ResolvedSite, resolveSites } from "./resolve-sites.ts";
import { type SandboxSpec, sandboxSpecSchema, targetSchema } from "./schema.ts";

export interface LoadedSpec {
  readonly spec: SandboxSpec;
  readonly sites: readonly ResolvedSite[];
  /** absolute path of the spec file; course paths are relative to its folder. */
  readonly path: string;
  readonly sha256: string;
}

/** Parses and validates sandbox.yaml text; every problem is reported with its path, line and the fix. */
export function parseSpecText(
  text: string,
  label = "sandbox.yaml",
): { spec: SandboxSpec; sites: ResolvedSite[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = first?.linePos?.[0].line;
    throw usageError(
      "SPEC_BAD_YAML",
      `${label}${line ? `:${line}` : ""} is not valid YAML: ${first?.message.split("\n")[0]}`,
      "fix the YAML syntax (indentation, quotes, duplicate keys); `sandbox init` writes a valid starter",
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // aliases are resolved here: an alias to a missing anchor, or too many of them (an alias bomb)
    throw usageError(
      "SPEC_BAD_YAML",
      `${label} is not valid YAML: ${(error as Error).message}`,
      "define each anchor (&name) before its alias (*name), and avoid deep alias chains",
      error,
    );
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    throw usageError(
      "SPEC_NOT_A_MAPPING",
      `${label} must be a YAML mapping with name, owner and candidates`,
      "run `sandbox init` for a starter file",
    );
  }
  const parsed = sandboxSpecSchema.safeParse(data);
  if (!parsed.success)
    throw specIssuesError(parsed.error.issues, label, (path) => lineOf(doc, lineCounter, path));
  refuseUnavailableCandidates(parsed.data, label);
  const crossIssues = crossCheck(parsed.data);
  const { sites, issues: siteIssues } = resolveSites(parsed.data.sites);
  const problems = [...crossIssues, ...siteIssues];
  if (problems.length > 0) {
    const lines = problems.map(
      (p) => `  - ${p.path}${lineSuffix(lineOf(doc, lineCounter, p.segments))}: ${p.message}`,
    );
    throw usageError(
      "SPEC_INVALID",
      `${label} has ${problems.length} problem(s):\n${lines.join("\n")}`,
      "edit the named fields and run again",
    );
  }
  return { spec: parsed.data, sites };
}

export async function loadSpecFile(file: string): Promise<LoadedSpec> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw usageError(
      "SPEC_UNREADABLE",
      `cannot read the spec file ${path}: ${(error as Error).message}`,
      "pass --spec FILE, or run `sandbox init` to write sandbox.yaml here",
      error,
    );
  }
  const { spec, sites } = parseSpecText(text, file);
  return { spec, sites, path, sha256: createHash("sha256").update(text).digest("hex") };
}

export const specDir = (loaded: LoadedSpec) => dirname(loaded.path);

function specIssuesError(
  issues: readonly z.core.$ZodIssue[],
  label: string,
  lineAt: (path: PropertyKey[]) => number | undefined,
) {
  const lines = issues.map((issue) => {
    const allowed =
      issue.code === "unrecognized_keys" ? allowedKeysAt(sandboxSpecSchema, issue.path) : undefined;
    return `  - ${describeIssue(issue, allowed)}${lineSuffix(lineAt(issue.path))}`;
  });
  return usageError(
    "SPEC_INVALID",
    `${label} has ${issues.length} problem(s):\n${lines.join("\n")}`,
    "edit the named fields (see the allowed values above) and run again",
  );
}

const lineSuffix = (line: number | undefined) => (line ? ` (line ${line})` : "");

function lineOf(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as
      | { range?: [number, number, number] }
      | undefined;
    const start = node && (isMap(node) || "range" in node) ? node.range?.[0] : undefined;
    if (start !== undefined) return counter.linePos(start).line;
  }
  return undefined;
}

interface CrossIssue {
  path: string;
  segments: (string | number)[];
  message: string;
}

function crossCheck(spec: SandboxSpec): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const names = spec.candidates.map((c) => c.name ?? c.catalog);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) {
      issues.push({
        path: `candidates[${i}]`,
        segments: ["candidates", i],
        message: `candidate name "${name}" is used twice: give one a distinct \`name\``,
      });
    }
  });
  spec.courses.forEach((course, i) => {
    for (const wanted of course.candidates ?? []) {
      if (!names.includes(wanted)) {
        issues.push({
          path: `courses[${i}].candidates`,
          segments: ["courses", i, "candidates"],
          message: `unknown candidate "${wanted}"; candidates are: ${[...new Set(names)].join(", ")}`,
        });
      }
    }
  });
  const siteNames = spec.sites.map((s) => s.name);
  siteNames.forEach((name, i) => {
    if (siteNames.indexOf(name) !== i)
      issues.push({
        path: `sites[${i}].name`,
        segments: ["sites", i, "name"],
        message: `site name "${name}" is used twice`,
      });
  });
  issues.push(...catalogIssues(spec), ...kubernetesTargetIssues(spec));
  const { load } = spec;
  if (load.thinkTime.min > load.thinkTime.max) {
    issues.push({
      path: "load.thinkTime",
      segments: ["load", "thinkTime"],
      message: `min (${load.thinkTime.min}s) is larger than max (${load.thinkTime.max}s)`,
    });
  }
  if (load.peakLearners > load.maxLearners) {
    issues.push({
      path: "load.peakLearners",
      segments: ["load", "peakLearners"],
      message: `${load.peakLearners} is above load.maxLearners (${load.maxLearners}): lower it or raise the cap`,
    });
  }
  if (load.duration > load.maxDuration) {
    issues.push({
      path: "load.duration",
      segments: ["load", "duration"],
      message: `${load.duration}s is above load.maxDuration (${load.maxDuration}s): shorten it or raise the cap`,
    });
  }
  if (load.runners > load.peakLearners) {
    issues.push({
      path: "load.runners",
      segments: ["load", "runners"],
      message: `${load.runners} runners for ${load.peakLearners} learners: each runner needs at least one learner; lower load.runners`,
    });
  }
  return issues;
}

/** A candidate the catalog cannot run (Moodle) is a missing prerequisite, named with what it needs (exit 3). */
function refuseUnavailableCandidates(spec: SandboxSpec, label: string): void {
  for (const candidate of spec.candidates) {
    const unavailable = findUnavailableCandidate(candidate.catalog);
    if (!unavailable) continue;
    throw missingToolError(
      "CANDIDATE_UNAVAILABLE",
      `${label}: candidate "${candidate.catalog}" (${unavailable.title}) cannot run here: it needs ${unavailable.needs}`,
      unavailable.hint,
    );
  }
}

/** Candidates must name a startable catalog entry; courses go into LMS candidates only. */
function catalogIssues(spec: SandboxSpec): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const startable = listCandidates();
  const kindOf = new Map<string, string>();
  spec.candidates.forEach((candidate, i) => {
    const entry = startable.find((e) => e.id === candidate.catalog);
    if (!entry) {
      const known = findCatalogEntry(candidate.catalog);
      issues.push({
        path: `candidates[${i}].catalog`,
        segments: ["candidates", i, "catalog"],
        message: known
          ? `"${candidate.catalog}" is only started as another candidate's dependency; allowed values: ${startable.map((e) => e.id).join(", ")}`
          : `unknown catalog id "${candidate.catalog}"; allowed values: ${startable.map((e) => e.id).join(", ")}`,
      });
      return;
    }
    kindOf.set(candidate.name ?? candidate.catalog, entry.kind);
  });
  spec.courses.forEach((course, i) => {
    for (const wanted of course.candidates ?? []) {
      const kind = kindOf.get(wanted);
      if (kind && kind !== "lms") {
        issues.push({
          path: `courses[${i}].candidates`,
          segments: ["courses", i, "candidates"],
          message: `"${wanted}" is a ${kind} server, not an LMS: courses are installed into LMS candidates only`,
        });
      }
    }
  });
  return issues;
}

/** The sandbox's namespace must not be one of the namespaces its network policies let in. */
function kubernetesTargetIssues(spec: SandboxSpec): CrossIssue[] {
  const target = spec.target;
  if (target.kind !== "kubernetes") return [];
  const namespace = target.namespace ?? `sandbox-${spec.name}`;
  const clash = [target.ingressControllerNamespace, target.monitoringNamespace].includes(namespace);
  return [
    ...(clash
      ? [
          {
            path: "target.namespace",
            segments: ["target", "namespace"],
            message: `"${namespace}" is the ingress controller's or monitoring's namespace: give the sandbox its own`,
          },
        ]
      : []),
    // a site link's gateway shapes traffic with tc (NET_ADMIN), which restricted pods may not do; the
    // kubernetes target has no gateway namespace of IT's yet, so a spec with sites is refused up front
    ...(spec.sites.length > 0
      ? [
          {
            path: "sites",
            segments: ["sites"],
            message:
              "site links (branch WAN emulation) run on the docker target only for now: remove `sites` for kubernetes, or measure the sites with `target: { kind: docker }`",
          },
        ]
      : []),
  ];
}

/**
 * `sandbox up --target KIND`: the spec with its target kind replaced (the spec's own target settings
 * are kept when it already names that kind; otherwise the kind's defaults apply).
 */
export function withTargetKind(loaded: LoadedSpec, kind: string): LoadedSpec {
  if (loaded.spec.target.kind === kind) return loaded;
  const parsed = targetSchema.safeParse({ kind });
  if (!parsed.success) {
    throw usageError(
      "SPEC_BAD_TARGET",
      `--target "${kind}" is not a target kind`,
      "use --target docker or --target kubernetes",
    );
  }
  return { ...loaded, spec: { ...loaded.spec, target: parsed.data } };
}
