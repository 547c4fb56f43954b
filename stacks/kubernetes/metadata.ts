import type { INamespace } from "kubernetes-models/v1/Namespace";

export type ObjectMeta = NonNullable<INamespace["metadata"]>;

/** Who a sandbox belongs to and when it expires: stamped on every object it creates. */
export interface SandboxIdentity {
  readonly name: string;
  readonly owner: string;
  /** ISO 8601, UTC. */
  readonly expiresAt: string;
}

export const LABEL_NAME = "sandbox.name";
export const LABEL_OWNER = "sandbox.owner";
export const LABEL_EXPIRES_AT = "sandbox.expires-at";
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "elearning-sandbox" } as const;

/**
 * Kubernetes label values allow only [A-Za-z0-9._-], 63 characters, alphanumeric at both ends:
 * an e-mail owner becomes "anna.schmidt_at_example.com"; the annotations keep the exact text.
 */
export function labelValue(text: string): string {
  const cleaned = text
    .replaceAll("@", "_at_")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return cleaned || "unknown";
}

/** "2026-11-29T20:40:00.000Z" -> "20261129T204000Z": label-safe and still sortable. */
export function expiryLabel(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`expiresAt "${iso}" is not an ISO 8601 time`);
  return date
    .toISOString()
    .replace(/\.\d{3}/, "")
    .replace(/[-:]/g, "");
}

export function sandboxLabels(id: SandboxIdentity): Record<string, string> {
  return {
    [LABEL_NAME]: id.name,
    [LABEL_OWNER]: labelValue(id.owner),
    [LABEL_EXPIRES_AT]: expiryLabel(id.expiresAt),
    ...MANAGED_BY,
  };
}

export function sandboxAnnotations(id: SandboxIdentity): Record<string, string> {
  return {
    [LABEL_NAME]: id.name,
    [LABEL_OWNER]: id.owner,
    [LABEL_EXPIRES_AT]: new Date(id.expiresAt).toISOString(),
  };
}

/** metadata for a namespaced object: the sandbox labels and annotations plus the object's own. */
export function objectMeta(
  id: SandboxIdentity,
  name: string,
  namespace: string | undefined,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): ObjectMeta {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    labels: { ...sandboxLabels(id), ...extra.labels },
    annotations: { ...sandboxAnnotations(id), ...extra.annotations },
  };
}
