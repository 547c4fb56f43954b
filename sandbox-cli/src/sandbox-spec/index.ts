export { formatDuration, parseDuration } from "./duration.ts";
export { SPEC_JSON_SCHEMA_PATH, specJsonSchema, specJsonSchemaText } from "./json-schema.ts";
export {
  assertKubernetesTargetDeployable,
  checkKubernetesTarget,
  findKubernetesProviderPlugin,
  KUBERNETES_PROVIDER_VERSION,
  type KubernetesConnection,
  kubeconfigPath,
  sandboxNamespace,
} from "./kubernetes-target.ts";
export { type LoadedSpec, loadSpecFile, parseSpecText, specDir, withTargetKind } from "./load-spec.ts";
export type { ResolvedSite } from "./resolve-sites.ts";
export {
  type CandidateSpec,
  type KubernetesTarget,
  type LoadSpec,
  type SandboxSpec,
  type SandboxSpecInput,
  type SiteSpec,
  sandboxSpecSchema,
  type TargetSpec,
  type Thresholds,
} from "./schema.ts";
export { SITE_PROFILES, type SiteProfile } from "./site-profiles.ts";
export { starterSpec } from "./starter.ts";
