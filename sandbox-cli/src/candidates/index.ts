import { type CatalogEntry, findCatalogEntry } from "../../../stacks/catalog/index.ts";
import { infrastructureError } from "../errors.ts";
import type { CandidateAdapter, LmsAdapter, MediaAdapter } from "./types.ts";

export type * from "./types.ts";

/**
 * The adapter a catalog entry names: `candidates/<kind>/<entry.adapter>.ts`, exporting `adapter`.
 * A new candidate is one catalog entry, one adapter file and one image folder; nothing lists adapters.
 */
export async function adapterOf(entry: CatalogEntry): Promise<CandidateAdapter> {
  if (entry.kind === "database" || !entry.adapter)
    throw infrastructureError(
      "CANDIDATE_NO_ADAPTER",
      `catalog entry ${entry.id} names no adapter`,
      "set `adapter` in its stacks/catalog entry to a file under sandbox-cli/src/candidates/<kind>/",
    );
  let module: { adapter?: CandidateAdapter };
  try {
    module = (await import(`./${entry.kind}/${entry.adapter}.ts`)) as { adapter?: CandidateAdapter };
  } catch (error) {
    throw infrastructureError(
      "CANDIDATE_NO_ADAPTER",
      `catalog entry ${entry.id} names adapter "${entry.adapter}", and candidates/${entry.kind}/${entry.adapter}.ts does not load`,
      "add that file (exporting `adapter`) or fix the entry's `adapter`",
      error,
    );
  }
  if (module.adapter?.kind !== entry.kind)
    throw infrastructureError(
      "CANDIDATE_NO_ADAPTER",
      `candidates/${entry.kind}/${entry.adapter}.ts exports no ${entry.kind} adapter`,
      "export `const adapter` of that kind",
    );
  return module.adapter;
}

function entryOf(catalogId: string): CatalogEntry {
  const entry = findCatalogEntry(catalogId);
  if (!entry)
    throw infrastructureError(
      "CANDIDATE_UNKNOWN",
      `the sandbox runs catalog id "${catalogId}", which this checkout's catalog does not have`,
      "recreate the sandbox with this checkout (`sandbox down`, `sandbox up`)",
    );
  return entry;
}

/** The entry and adapter of an LMS candidate, by catalog id. */
export async function lmsAdapter(catalogId: string): Promise<{ entry: CatalogEntry; adapter: LmsAdapter }> {
  const entry = entryOf(catalogId);
  const adapter = await adapterOf(entry);
  if (adapter.kind !== "lms") throw new Error(`${catalogId} is not an LMS`);
  return { entry, adapter };
}

/** The entry and adapter of a media candidate, by catalog id. */
export async function mediaAdapter(
  catalogId: string,
): Promise<{ entry: CatalogEntry; adapter: MediaAdapter }> {
  const entry = entryOf(catalogId);
  const adapter = await adapterOf(entry);
  if (adapter.kind !== "media") throw new Error(`${catalogId} is not a media server`);
  return { entry, adapter };
}
