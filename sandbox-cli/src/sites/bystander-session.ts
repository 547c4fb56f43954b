import { type BystanderStats, bystanderStats } from "../capacity/bystander-harm.ts";
import type { Logger } from "../util/log.ts";
import { startBystanderClient } from "./bystander-containers.ts";
import type { SandboxIdentity } from "./plan.ts";

/** The longest a baseline may be asked for, seconds (every probe is bounded). */
const MAX_BASELINE_S = 120;

/** Measures the bystander alone on the link, and beside a piece of work (a load run) on the same link. */
export interface BystanderSession {
  baseline(seconds: number): Promise<BystanderStats>;
  /**
   * Runs `work` with the bystander beside it and judges the samples sent between `window.fromS` and
   * `window.toS` after the bystander started (the load's hold, when every learner is on the link).
   */
  beside<T>(
    window: { fromS: number; toS: number },
    work: () => Promise<T>,
  ): Promise<{ value: T; stats: BystanderStats }>;
}

export function bystanderSession(
  identity: SandboxIdentity,
  site: string,
  siteNetwork: string,
  url: string,
  log: Logger,
): BystanderSession {
  const start = () => startBystanderClient(identity, site, siteNetwork, url, log);
  return {
    async baseline(seconds) {
      const client = await start();
      const wait = Math.min(Math.max(1, seconds), MAX_BASELINE_S) * 1000;
      await new Promise((resolve) => setTimeout(resolve, wait));
      // the first second opens the connections (two round trips each): not what the application sees after
      return bystanderStats(await client.stop(), Math.min(1000, wait / 2));
    },
    async beside(window, work) {
      const client = await start();
      let value: Awaited<ReturnType<typeof work>>;
      try {
        value = await work();
      } catch (error) {
        await client.stop().catch(() => undefined);
        throw error;
      }
      const samples = (await client.stop()).filter((sample) => sample.t < window.toS * 1000);
      return { value, stats: bystanderStats(samples, window.fromS * 1000) };
    },
  };
}
