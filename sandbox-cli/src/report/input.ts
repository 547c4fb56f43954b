import { z } from "zod";
import type { CapacityResult } from "../capacity/result-schema.ts";
import type { CourseProfile } from "../course/profile.ts";
import type { LoadRunResult } from "../loadtest/result-schema.ts";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import type { SandboxSpec } from "../sandbox-spec/schema.ts";
import type { Bakeoff } from "./schema.ts";

/** One rule of the IT policy pack, as evaluated against this sandbox and course. */
export const policyResultSchema = z.object({
  rule: z.string().min(1),
  enforcement: z.enum(["mandatory", "advisory"]),
  ok: z.boolean(),
  message: z.string(),
});
export type PolicyResult = z.infer<typeof policyResultSchema>;

/** Where the numbers come from: enough to reproduce the run or to notice that two runs differ. */
export const provenanceSchema = z.object({
  courseSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  specSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** image reference -> image ID (sha256:...) of what ran. */
  images: z.record(z.string(), z.string()),
  tools: z.object({
    node: z.string(),
    pulumi: z.string().nullable(),
    dockerEngine: z.string().nullable(),
    loadEngine: z.object({ name: z.string(), version: z.string() }).nullable(),
  }),
  gitCommit: z.string().nullable(),
});
export type Provenance = z.infer<typeof provenanceSchema>;

/**
 * Everything a promotion report is built from. Each part comes from its own step of the line
 * (spec, intake, load engine, capacity model, policy pack); a part that did not run is null.
 */
export interface ReportInput {
  readonly spec: SandboxSpec;
  readonly sites: readonly ResolvedSite[];
  readonly course: CourseProfile | null;
  readonly load: LoadRunResult | null;
  readonly capacity: CapacityResult | null;
  readonly policy: readonly PolicyResult[];
  readonly provenance: Provenance;
  /** each kind with two or more candidates, measured one candidate at a time (null: no bake-off ran). */
  readonly bakeoff?: Bakeoff | null;
  /** the LMS and media candidate the main load test and the capacity figures are for. */
  readonly candidates?: { readonly lms: string | null; readonly media: string | null };
  /** ISO time the report is stamped with; passed in so building stays pure. */
  readonly generatedAt: string;
}

/**
 * The files `sandbox report --from RUN_DIR` reads. sandbox.yaml and provenance.json are required;
 * the others are optional and their absence is itself reported (e.g. "not load-tested").
 */
export const runDirFiles = {
  spec: "sandbox.yaml",
  provenance: "provenance.json",
  course: "course-profile.json",
  load: "load-result.json",
  /** what `sandbox loadtest` writes in its run folder; read when load-result.json is absent. */
  loadEngineResult: "result.json",
  capacity: "capacity.json",
  policy: "policy.json",
} as const;
