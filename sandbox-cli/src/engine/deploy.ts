import type { UpOptions as PulumiUpOptions, Stack } from "@pulumi/pulumi/automation/index.js";
import { infrastructureError } from "../errors.ts";
import type { Logger } from "../util/log.ts";
import { progressReporter } from "./progress.ts";
import { type SandboxRecord, writeRecord } from "./registry.ts";

export interface UpResult {
  readonly name: string;
  /** Pulumi's count of resources per operation, e.g. { same: 9 } for an `up` that changed nothing. */
  readonly changes: Record<string, number>;
  readonly changed: boolean;
  readonly durationS: number;
  readonly record: SandboxRecord;
}

/**
 * `stack.up` with one progress line per resource, for either target: the record is marked up or
 * failed, and a failure becomes SANDBOX_UP_FAILED carrying the engine's own error lines.
 */
export async function deployStack(args: {
  readonly stack: Stack;
  readonly record: SandboxRecord;
  readonly title: string;
  readonly startedMs: number;
  readonly hint: string;
  readonly upOptions?: PulumiUpOptions;
  /** awaited before the failure is reported (a cause with its own error, e.g. an image build). */
  readonly causeFirst?: Promise<unknown>;
  /**
   * runs after the engine's up, before the record says up: waits for what the engine does not (the
   * kubernetes pods) and returns the record to keep; its error marks the record failed and is thrown as is.
   */
  readonly afterDeploy?: (record: SandboxRecord) => Promise<SandboxRecord>;
  readonly log: Logger;
}): Promise<UpResult> {
  const { record, log } = args;
  const progress = progressReporter(log);
  let changes: Record<string, number>;
  try {
    const result = await log.step(args.title, () =>
      args.stack.up({ ...args.upOptions, onEvent: progress.onEvent, color: "never" }),
    );
    changes = (result.summary.resourceChanges ?? {}) as Record<string, number>;
  } catch (error) {
    await writeRecord({ ...record, state: "failed", updatedAt: new Date().toISOString() });
    await args.causeFirst;
    const details =
      progress.errors.join("\n") ||
      String((error as Error).message)
        .split("\n")
        .slice(-12)
        .join("\n");
    throw infrastructureError(
      "SANDBOX_UP_FAILED",
      `sandbox up ${record.name} failed:\n${details}`,
      args.hint,
      error,
    );
  }
  let settled = record;
  try {
    if (args.afterDeploy) settled = await args.afterDeploy(record);
  } catch (error) {
    await writeRecord({ ...settled, state: "failed", updatedAt: new Date().toISOString() });
    throw error;
  }
  const done: SandboxRecord = { ...settled, state: "up", updatedAt: new Date().toISOString() };
  await writeRecord(done);
  return {
    name: record.name,
    changes,
    changed: Object.keys(changes).some((op) => op !== "same" && (changes[op] ?? 0) > 0),
    durationS: (performance.now() - args.startedMs) / 1000,
    record: done,
  };
}
