import { LocalWorkspace } from "@pulumi/pulumi/automation/index.js";
import type { Logger } from "../util/log.ts";
import { withSandboxLock } from "./lock.ts";
import { progressReporter } from "./progress.ts";
import { readRecord, removeRecord, writeRecord } from "./registry.ts";
import { type SweepResult, sweepLabelled } from "./sweep.ts";
import {
  assertPrerequisites,
  assertPulumiCli,
  clearStalePulumiLocks,
  pulumiCommand,
  pulumiEnv,
  removeWorkspace,
  sandboxStack,
  stackExists,
} from "./workspace.ts";

export interface DownResult {
  readonly name: string;
  /** false when there was nothing of this sandbox to remove. */
  readonly existed: boolean;
  /** resources Pulumi destroyed. */
  readonly destroyed: number;
  /** objects found by label after the destroy (left by an interrupted run) and removed. */
  readonly leftovers: SweepResult;
  /** the Pulumi destroy's error, when it failed and the label sweep cleaned up instead. */
  readonly destroyError?: string;
}

const NOTHING_SWEPT: SweepResult = { containers: [], networks: [], volumes: [] };

/** Removes everything the sandbox created (containers, networks, volumes), its stack and its record; images stay. */
export async function sandboxDown(name: string, log: Logger): Promise<DownResult> {
  // A kubernetes sandbox is removed by the Pulumi destroy alone (the namespace takes everything with it).
  const onCluster = (await readRecord(name))?.target === "kubernetes";
  await (onCluster ? assertPulumiCli() : assertPrerequisites());
  return withSandboxLock(name, "down", async () => {
    const record = await readRecord(name);
    if (record) await writeRecord({ ...record, state: "destroying", updatedAt: new Date().toISOString() });
    let destroyed = 0;
    let destroyError: string | undefined;
    const hadStack = await stackExists(name);
    if (hadStack) {
      const stack = await sandboxStack(name, async () => ({}));
      await clearStalePulumiLocks(name);
      const progress = progressReporter(log);
      try {
        const result = await log.step(`destroy sandbox ${name}`, () =>
          stack.destroy({ onEvent: progress.onEvent, color: "never" }),
        );
        destroyed = result.summary.resourceChanges?.delete ?? 0;
      } catch (error) {
        destroyError =
          progress.errors.join("\n") || (error as Error).message.split("\n").slice(-5).join("\n");
        log.warn(`pulumi destroy failed; removing the sandbox's objects by label instead:\n${destroyError}`);
      }
      await stack.workspace.removeStack(name, { force: true }).catch(async () => {
        const workspace = await LocalWorkspace.create({
          workDir: stack.workspace.workDir,
          pulumiCommand: await pulumiCommand(),
          envVars: await pulumiEnv(),
        });
        await workspace.removeStack(name, { force: true });
      });
    }
    const leftovers = onCluster
      ? NOTHING_SWEPT
      : await log.step(`remove leftovers labelled sandbox.name=${name}`, () => sweepLabelled(name));
    await removeWorkspace(name);
    await removeRecord(name);
    const existed = Boolean(record) || hadStack || Object.values(leftovers).some((names) => names.length > 0);
    return { name, existed, destroyed, leftovers, ...(destroyError ? { destroyError } : {}) };
  });
}
