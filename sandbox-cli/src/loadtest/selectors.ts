import type { Tags } from "../../../loadtests/lib/samples.ts";

/** "http_req_duration{scenario:learner-journey,name:lms_commit}": a metric restricted to samples with these tags. */
export interface Selector {
  readonly key: string;
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
}

const SELECTOR = /^([A-Za-z_][A-Za-z0-9_]*)(?:\{([^}]*)\})?$/;

export function parseSelector(text: string): Selector {
  const match = SELECTOR.exec(text.trim());
  if (!match?.[1])
    throw new Error(
      `"${text}" is not a metric name: write e.g. http_req_duration or http_req_duration{scenario:hls-viewer}`,
    );
  const tags: Record<string, string> = {};
  for (const pair of (match[2] ?? "").split(",").filter((p) => p.trim())) {
    const [key, ...rest] = pair.split(":");
    const value = rest.join(":").trim();
    if (!key?.trim() || !value) throw new Error(`"${text}": tag filter "${pair}" must be key:value`);
    tags[key.trim()] = value;
  }
  return { key: text.trim(), metric: match[1], tags };
}

export function selectorMatches(selector: Selector, tags: Tags): boolean {
  for (const [key, value] of Object.entries(selector.tags)) if (tags[key] !== value) return false;
  return true;
}

export const hasTagFilter = (selector: Selector) => Object.keys(selector.tags).length > 0;
