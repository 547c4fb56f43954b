import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { isSandboxError, SandboxError } from "../errors.ts";
import { writeFileAtomic } from "../util/disk-space.ts";
import type { Logger } from "../util/log.ts";

const stepRecordSchema = z.object({
  name: z.string(),
  status: z.enum(["done", "failed"]),
  finishedAt: z.string(),
  seconds: z.number(),
  output: z.unknown().optional(),
  error: z.string().optional(),
});

const stateSchema = z.object({
  /** what the run was started for (spec hash + options); a different key starts the chain afresh. */
  key: z.string(),
  steps: z.array(stepRecordSchema),
});

export type StepRecord = z.infer<typeof stepRecordSchema>;

/**
 * A chain of named steps whose results are saved after each step in `statePath`, so a rerun after a
 * failure resumes at the step that failed instead of starting over.
 */
export class ResumableSteps {
  private state: z.infer<typeof stateSchema> = { key: "", steps: [] };

  private constructor(
    private readonly statePath: string,
    private readonly log: Logger,
  ) {}

  static async open(statePath: string, key: string, log: Logger): Promise<ResumableSteps> {
    const chain = new ResumableSteps(statePath, log);
    if (existsSync(statePath)) {
      const parsed = stateSchema.safeParse(JSON.parse(await readFile(statePath, "utf8").catch(() => "{}")));
      if (parsed.success && parsed.data.key === key) chain.state = parsed.data;
    }
    chain.state.key = key;
    return chain;
  }

  get records(): readonly StepRecord[] {
    return this.state.steps;
  }

  /** The saved output of a finished step, for steps that resume from it. */
  outputOf<T>(name: string): T | undefined {
    return this.state.steps.find((s) => s.name === name && s.status === "done")?.output as T | undefined;
  }

  /** Runs `work` unless a previous run already finished this step (then its saved output is returned). */
  async run<T>(
    name: string,
    title: string,
    work: () => Promise<T>,
    options: { always?: boolean } = {},
  ): Promise<T> {
    const previous = this.state.steps.find((s) => s.name === name && s.status === "done");
    if (previous && !options.always) {
      this.log.info(`[resume] ${title}: done in an earlier run, skipped`);
      return previous.output as T;
    }
    const started = performance.now();
    try {
      const output = await this.log.step(title, work);
      await this.record({
        name,
        status: "done",
        finishedAt: new Date().toISOString(),
        seconds: elapsed(started),
        output,
      });
      return output;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.record({
        name,
        status: "failed",
        finishedAt: new Date().toISOString(),
        seconds: elapsed(started),
        error: message,
      });
      if (isSandboxError(error)) {
        throw new SandboxError({
          code: error.code,
          message: `step "${name}" failed: ${error.message}`,
          hint: `${error.hint}; then run the same command again to resume from this step`,
          exitCode: error.exitCode,
          cause: error,
        });
      }
      throw error;
    }
  }

  private async record(entry: StepRecord): Promise<void> {
    this.state.steps = [...this.state.steps.filter((s) => s.name !== entry.name), entry];
    await mkdir(dirname(this.statePath), { recursive: true });
    await writeFileAtomic(this.statePath, `${JSON.stringify(this.state, null, 2)}\n`);
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started) / 1000;
