import { z } from "zod";

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;
/** The same rule as DURATION, for editors reading the JSON Schema. */
export const DURATION_PATTERN = "^\\s*\\d+(\\.\\d+)?(s|m|h|d)\\s*$";

/** "90s", "5m", "8h", "2d" -> seconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

export function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** A duration field written as text ("30s", "5m") and held as seconds, within [minS, maxS]. */
export const durationSeconds = (minS: number, maxS: number) =>
  z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      const seconds = typeof value === "number" ? value : parseDuration(value);
      if (seconds === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `"${value}" is not a duration: write a number and a unit, e.g. 90s, 5m, 8h, 2d`,
        });
        return z.NEVER;
      }
      if (seconds < minS || seconds > maxS) {
        ctx.addIssue({
          code: "custom",
          message: `${formatDuration(seconds)} is out of range: allowed ${formatDuration(minS)} to ${formatDuration(maxS)}`,
        });
        return z.NEVER;
      }
      return seconds;
    })
    // In JSON Schema `pattern` only applies to strings and `minimum`/`maximum` only to numbers (seconds).
    .meta({ pattern: DURATION_PATTERN, minimum: minS, maximum: maxS, examples: ["90s", "5m", "8h", "2d"] });
