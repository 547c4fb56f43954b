import { catalogEntries } from "./entries.ts";
import { type CandidateKind, type CatalogEntry, catalogEntrySchema } from "./schema.ts";
import { templateProblems } from "./template.ts";

let validated: readonly CatalogEntry[] | undefined;

/** Every catalog entry, validated once (zod + template references); a bad entry is a bug in the catalog. */
export function catalog(): readonly CatalogEntry[] {
  if (validated) return validated;
  const entries = catalogEntries.map((input) => catalogEntrySchema.parse(input));
  const problems = entries.flatMap((entry) => [
    ...templateProblems(entry, entries),
    ...(entry.kind !== "database" && !entry.adapter
      ? [`${entry.id}: an ${entry.kind} entry names no adapter`]
      : []),
  ]);
  if (problems.length > 0) throw new Error(`stacks/catalog is inconsistent:\n  - ${problems.join("\n  - ")}`);
  validated = entries;
  return validated;
}

/** The candidates a spec may name (databases used only as dependencies are left out unless asked for). */
export function listCandidates(options: { kind?: CandidateKind; includeDependencyOnly?: boolean } = {}) {
  return catalog().filter(
    (entry) =>
      (options.includeDependencyOnly || !entry.dependencyOnly) &&
      (options.kind === undefined || entry.kind === options.kind),
  );
}

export function findCatalogEntry(id: string): CatalogEntry | undefined {
  return catalog().find((entry) => entry.id === id);
}

export const candidateIds = () => listCandidates().map((entry) => entry.id);
