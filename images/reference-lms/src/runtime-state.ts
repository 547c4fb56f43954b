/** Pure: the fields an LMS keeps from a SCORM commit body (scorm-again's common commit fields). */

export interface CommitSummary {
  readonly completionStatus: string | null;
  readonly successStatus: string | null;
  readonly score: number | null;
  /** What the next launch restores: location, suspend data and the SCORM 1.2 lesson status. */
  readonly state: { location?: string; suspendData?: string; lessonStatus?: string };
}

const obj = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const str = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
const num = (value: unknown) => {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && value !== ""
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(n) ? n : null;
};

/** scorm-again's "flattened" format ({"cmi.core.lesson_status": "..."}) as nested objects. */
export function unflatten(body: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(body);
  if (!keys.some((key) => key.startsWith("cmi."))) return body;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const parts = key.split(".");
    // Keys come from the client: never walk into an object's prototype.
    if (parts.some((part) => part === "__proto__" || part === "constructor" || part === "prototype"))
      continue;
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (!node[part] || typeof node[part] !== "object") node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = body[key];
  }
  return out;
}

/**
 * Reads a commit body: scorm-again's common fields ({completionStatus, successStatus, score,
 * runtimeData: {cmi}}), a bare cmi object ({cmi: {...}} or its children), or flattened cmi keys.
 */
export function summariseScormCommit(body: unknown): CommitSummary {
  const root = unflatten(obj(body));
  const runtime = obj(root.runtimeData ?? root);
  const cmi = obj(runtime.cmi ?? runtime);
  const core = obj(cmi.core);
  const lessonStatus = str(core.lesson_status);
  const completion = str(root.completionStatus) ?? str(cmi.completion_status) ?? lessonStatus;
  const success = str(root.successStatus) ?? str(cmi.success_status);
  const score = num(obj(root.score).raw) ?? num(obj(cmi.score).raw) ?? num(obj(core.score).raw);
  const location = str(core.lesson_location) ?? str(cmi.location);
  const suspendData = str(cmi.suspend_data);
  return {
    completionStatus: completion && completion !== "unknown" ? completion : null,
    successStatus: success && success !== "unknown" ? success : null,
    score,
    state: {
      ...(location ? { location } : {}),
      ...(suspendData ? { suspendData } : {}),
      ...(lessonStatus && lessonStatus !== "not attempted" ? { lessonStatus } : {}),
    },
  };
}
