/** The sandbox lifecycle on the docker target (Automation API, local file backend, one stack per sandbox). */
export { type DownResult, sandboxDown } from "./down.ts";
export { type GcResult, sandboxGc } from "./gc.ts";
export type { CandidateRecord, SandboxRecord } from "./registry.ts";
export {
  type CandidateStatus,
  type InstanceStatus,
  type SandboxStatus,
  type SandboxSummary,
  sandboxList,
  sandboxSecrets,
  sandboxStatus,
} from "./status.ts";
export { labelledObjects, type SweepResult } from "./sweep.ts";
export { planSpecCandidates, sandboxUp, type UpOptions, type UpResult } from "./up.ts";
