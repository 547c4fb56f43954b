import type { CatalogEntry } from "../../../stacks/catalog/index.ts";
import type { CandidateTarget } from "../sandbox/view.ts";
import { jsonRequest } from "../util/http-json.ts";

/** The catalog's HTTP health check, asked from the CLI's side through the candidate's loopback URL. */
export async function httpHealthy(target: CandidateTarget, health: CatalogEntry["health"]): Promise<boolean> {
  if (health.kind !== "http") return true;
  try {
    const reply = await jsonRequest("GET", new URL(health.path, target.loopbackUrl), undefined, undefined);
    return reply.status === health.expectStatus;
  } catch {
    return false;
  }
}
