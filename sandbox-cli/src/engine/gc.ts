import type { Logger } from "../util/log.ts";
import { type DownResult, sandboxDown } from "./down.ts";
import { listRecords } from "./registry.ts";
import { expiredLabelledSandboxes } from "./sweep.ts";

export interface GcResult {
  readonly now: string;
  readonly removed: readonly DownResult[];
  /** sandboxes that could not be removed (e.g. busy), with the reason. */
  readonly failed: readonly { readonly name: string; readonly error: string }[];
}

/** Downs every sandbox whose expiry has passed, recorded or only found by the labels on its docker objects. */
export async function sandboxGc(log: Logger, now = new Date()): Promise<GcResult> {
  const recorded = (await listRecords())
    .filter((record) => Date.parse(record.expiresAt) < now.getTime())
    .map((r) => r.name);
  const names = [...new Set([...recorded, ...(await expiredLabelledSandboxes(now))])].sort();
  const removed: DownResult[] = [];
  const failed: { name: string; error: string }[] = [];
  for (const name of names) {
    try {
      removed.push(await log.step(`gc: down expired sandbox ${name}`, () => sandboxDown(name, log)));
    } catch (error) {
      failed.push({ name, error: (error as Error).message });
    }
  }
  return { now: now.toISOString(), removed, failed };
}
