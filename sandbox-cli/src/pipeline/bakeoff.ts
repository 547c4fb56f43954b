import { findCatalogEntry } from "../../../stacks/catalog/index.ts";
import type { RunLoadOptions } from "../loadtest/run.ts";
import { bakeoffRow } from "../report/bakeoff.ts";
import type { Bakeoff } from "../report/schema.ts";
import { withSandboxView } from "../sandbox/view.ts";
import type { SandboxSpec } from "../sandbox-spec/index.ts";
import type { Logger } from "../util/log.ts";

const SCENARIO = { lms: "learner-journey", media: "hls-viewer" } as const;

/** The spec's candidates by kind (names, in spec order). */
export function candidatesByKind(spec: SandboxSpec): { lms: string[]; media: string[] } {
  const out = { lms: [] as string[], media: [] as string[] };
  for (const candidate of spec.candidates) {
    const kind = findCatalogEntry(candidate.catalog)?.kind;
    if (kind === "lms" || kind === "media") out[kind].push(candidate.name ?? candidate.catalog);
  }
  return out;
}

/**
 * Every kind with two or more candidates: the same plan (learners, ramp, hold) run against each candidate
 * in turn, with only that kind's scenario, so the rows differ by the candidate alone. The sandbox is
 * read once (runners on this host, so through loopback) and every run gets that view.
 */
export async function runBakeoff(
  spec: SandboxSpec,
  base: Pick<RunLoadOptions, "courseId" | "mediaDurationS">,
  log: Logger,
): Promise<Bakeoff> {
  const { runLoad } = await import("../loadtest/run.ts");
  const bakeoff: Bakeoff = [];
  const kinds = (Object.entries(candidatesByKind(spec)) as ["lms" | "media", string[]][]).filter(
    ([, names]) => names.length >= 2,
  );
  if (kinds.length === 0) return bakeoff;
  return withSandboxView(spec.name, "loopback", async (view) => {
    for (const [kind, names] of kinds) {
      const candidates = [];
      for (const name of names) {
        log.info(`bake-off: ${kind} candidate ${name}`);
        const result = await runLoad({
          spec,
          log,
          ...base,
          scenarios: [SCENARIO[kind]],
          candidates: { [kind]: name },
          view,
        });
        candidates.push(bakeoffRow(name, result, spec.policy.thresholds));
      }
      bakeoff.push({ kind, candidates });
    }
    return bakeoff;
  });
}
