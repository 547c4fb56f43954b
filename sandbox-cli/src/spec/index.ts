export { formatDuration, parseDuration } from "./duration.ts";
export { type LoadedSpec, loadSpecFile, parseSpecText, specDir } from "./load-spec.ts";
export type { ResolvedSite } from "./resolve-sites.ts";
export {
  type CandidateSpec,
  type LoadSpec,
  type SandboxSpec,
  type SandboxSpecInput,
  type SiteSpec,
  sandboxSpecSchema,
  type Thresholds,
} from "./schema.ts";
export { SITE_PROFILES, type SiteProfile } from "./site-profiles.ts";
