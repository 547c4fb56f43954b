import { stripVTControlCharacters } from "node:util";
import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import type { Logger } from "../util/log.ts";

const quiet = new Set(["same", "read", "refresh"]);
/** The stack root and default providers are Pulumi's plumbing, not objects of the sandbox. */
const plumbing = (type: string) => type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
const shortName = (urn: string) => urn.split("::").pop() ?? urn;
const shortType = (type: string) => type.split(/[:/]/).pop() ?? type;

/** Turns Pulumi engine events into one progress line per resource change, and collects error diagnostics and mandatory policy violations. */
export function progressReporter(log: Logger) {
  const errors: string[] = [];
  const started = new Map<string, number>();
  const onEvent = (event: EngineEvent) => {
    const pre = event.resourcePreEvent?.metadata;
    if (pre && !quiet.has(pre.op) && !plumbing(pre.type)) {
      started.set(pre.urn, performance.now());
      log.info(`  … ${pre.op} ${shortType(pre.type)} ${shortName(pre.urn)}`);
    }
    const done = event.resOutputsEvent?.metadata;
    if (done && started.has(done.urn)) {
      const seconds = ((performance.now() - (started.get(done.urn) ?? 0)) / 1000).toFixed(1);
      log.info(`  ✓ ${done.op} ${shortType(done.type)} ${shortName(done.urn)} (${seconds}s)`);
    }
    const failed = event.resOpFailedEvent?.metadata;
    if (failed) log.info(`  ✗ ${failed.op} ${shortType(failed.type)} ${shortName(failed.urn)}`);
    const policy = event.policyEvent;
    if (policy?.enforcementLevel === "mandatory") {
      const where = policy.resourceUrn ? ` (${shortName(policy.resourceUrn)})` : "";
      errors.push(`policy ${policy.policyName}${where}: ${stripVTControlCharacters(policy.message).trim()}`);
    }
    const diagnostic = event.diagnosticEvent;
    if (diagnostic && diagnostic.severity === "error") {
      const message = stripVTControlCharacters(diagnostic.message).trim();
      if (message && !/^update failed$|^One or more errors occurred/.test(message)) errors.push(message);
    }
  };
  return { onEvent, errors };
}
