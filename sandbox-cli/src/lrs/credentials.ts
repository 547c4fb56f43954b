import { findCatalogEntry } from "../../../stacks/catalog/index.ts";
import { adminCookie, lmsReplyError } from "../candidates/lms/reference-lms.ts";
import { usageError } from "../errors.ts";
import { candidatesOfKind, lastingUrl, type SandboxView, withSandboxView } from "../sandbox/view.ts";
import { jsonRequest } from "../util/http-json.ts";

/** xAPI client credentials on a sandbox's reference LMS (its admin API, images/reference-lms/API.md). */

export interface LrsClient {
  readonly candidate: string;
  readonly endpoint: string;
  readonly key: string;
  readonly secret: string;
  readonly scopes: readonly string[];
}

interface LmsAccess {
  readonly candidate: string;
  readonly url: string;
  readonly endpoint: string;
  readonly cookie: string;
}

/** The sandbox's LMS that has an LRS (the named one, or the only one), logged in as its admin. */
async function lmsAccess(view: SandboxView, candidate: string | undefined): Promise<LmsAccess> {
  const sandbox = view.sandbox;
  const withLrs = candidatesOfKind(view, "lms").filter(
    (c) => findCatalogEntry(c.catalogId)?.install?.method === "reference-lms-api",
  );
  const chosen = candidate ? withLrs.find((c) => c.candidate === candidate) : withLrs[0];
  if (!chosen)
    throw usageError(
      "LRS_NO_CANDIDATE",
      candidate
        ? `sandbox "${sandbox}" has no LMS candidate "${candidate}" with an LRS`
        : `sandbox "${sandbox}" has no LMS with an LRS`,
      withLrs.length > 0
        ? `pick one of: ${withLrs.map((c) => c.candidate).join(", ")}`
        : "add `{ catalog: reference-lms }` to the spec's candidates",
    );
  return {
    candidate: chosen.candidate,
    url: chosen.loopbackUrl,
    // where IT's tools reach the LRS after this command: kubernetes' port-forward ends with it
    endpoint: lastingUrl(chosen, new URL("/xapi/", chosen.loopbackUrl).href),
    cookie: await adminCookie(chosen),
  };
}

export async function createLrsClient(args: {
  sandbox: string;
  candidate?: string;
  scopes: readonly string[];
  label: string;
}): Promise<LrsClient> {
  return withSandboxView(args.sandbox, "loopback", async (view) => {
    const lms = await lmsAccess(view, args.candidate);
    const reply = await jsonRequest(
      "POST",
      new URL("/api/admin/xapi-clients", lms.url),
      { name: args.label, scopes: args.scopes },
      lms.cookie,
    );
    if (reply.status === 400)
      throw usageError(
        "LRS_BAD_CLIENT",
        `the LMS refused the client: ${reply.body.slice(0, 300)}`,
        "check --scope",
      );
    if (reply.status !== 201) throw lmsReplyError("LRS_CLIENT_FAILED", lms.candidate, reply);
    const made = JSON.parse(reply.body) as { key: string; secret: string; scopes: string[] };
    return {
      candidate: lms.candidate,
      endpoint: lms.endpoint,
      key: made.key,
      secret: made.secret,
      scopes: made.scopes,
    };
  });
}

export async function revokeLrsClient(args: { sandbox: string; candidate?: string; key: string }) {
  return withSandboxView(args.sandbox, "loopback", async (view) => {
    const lms = await lmsAccess(view, args.candidate);
    const reply = await jsonRequest(
      "DELETE",
      new URL(`/api/admin/xapi-clients/${encodeURIComponent(args.key)}`, lms.url),
      undefined,
      lms.cookie,
    );
    if (reply.status === 404)
      throw usageError(
        "LRS_NO_SUCH_CLIENT",
        `${lms.candidate} has no xAPI client ${args.key}`,
        "the key is printed by `sandbox lrs client`; it may have been revoked already",
      );
    if (reply.status !== 204) throw lmsReplyError("LRS_REVOKE_FAILED", lms.candidate, reply);
    return { candidate: lms.candidate, key: args.key, revoked: true };
  });
}
