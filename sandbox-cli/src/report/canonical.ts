import { createHash } from "node:crypto";

/**
 * The exact bytes of report.json: keys sorted at every depth, two-space indent, one trailing newline.
 * Sorting makes the bytes (and so the sha256) depend only on the content, never on the order a
 * builder happened to add fields in. Non-finite numbers have no JSON form and are refused.
 */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value, "$"), null, 2)}\n`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function sortKeys(value: unknown, path: string): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new Error(`cannot write ${String(value)} at ${path} as JSON`);
  }
  if (Array.isArray(value)) return value.map((item, i) => sortKeys(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) out[key] = sortKeys(child, `${path}.${key}`);
    }
    return out;
  }
  return value;
}
