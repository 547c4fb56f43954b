/** k6 durations: "1m30s", "500ms", "2h", or a number of milliseconds; seconds out. */
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

export function parseK6Duration(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value / 1000;
  const text = typeof value === "string" ? value.trim() : "";
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  let seconds = 0;
  let matched = "";
  for (const m of text.matchAll(PART)) {
    matched += m[0];
    const n = Number(m[1]);
    seconds += m[2] === "ms" ? n / 1000 : m[2] === "s" ? n : m[2] === "m" ? n * 60 : n * 3600;
  }
  if (!text || matched !== text)
    throw new Error(`${what} "${String(value)}" is not a duration: write e.g. "30s", "1m30s", "500ms"`);
  return seconds;
}
