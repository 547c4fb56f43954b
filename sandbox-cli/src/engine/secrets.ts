import { randomBytes } from "node:crypto";
import type { PlannedCandidate } from "../../../stacks/catalog/index.ts";

export type SecretValues = Record<string, Record<string, string>>;

/** A password of `length` URL-safe characters (no quoting trouble in env vars and connection URLs). */
export const generatePassword = (length: number) =>
  randomBytes(length).toString("base64url").slice(0, length);

/** Keeps existing values and generates the missing ones; `changed` tells whether the stack config must be written. */
export function completeSecrets(candidates: readonly PlannedCandidate[], current: SecretValues) {
  let changed = false;
  const values: SecretValues = {};
  for (const candidate of candidates) {
    const mine: Record<string, string> = {};
    for (const secret of candidate.secrets) {
      const existing = current[candidate.name]?.[secret.name];
      if (existing) mine[secret.name] = existing;
      else {
        mine[secret.name] = generatePassword(secret.length);
        changed = true;
      }
    }
    values[candidate.name] = mine;
  }
  return { values, changed };
}
