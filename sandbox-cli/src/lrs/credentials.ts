import { findCatalogEntry } from "../../../stacks/catalog/index.ts";
import { infrastructureError, usageError } from "../errors.ts";
import { candidatesOfKind, readSandboxView } from "../sandbox/view.ts";
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
  readonly cookie: string;
}

/** The sandbox's LMS that has an LRS (the named one, or the only one), logged in as its admin. */
async function lmsAccess(sandbox: string, candidate: string | undefined): Promise<LmsAccess> {
  const view = await readSandboxView(sandbox, "loopback");
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
  if (!chosen.credentials)
    throw infrastructureError(
      "LRS_NO_ADMIN",
      `the LMS "${chosen.candidate}" has no admin account set`,
      "recreate the sandbox: `sandbox down` then `sandbox up`",
    );
  const login = await jsonRequest(
    "POST",
    new URL("/api/login", chosen.loopbackUrl),
    chosen.credentials,
    undefined,
  );
  if (login.status !== 200)
    throw infrastructureError(
      "LRS_LMS_LOGIN",
      `admin login on ${chosen.candidate} answered ${login.status}`,
      "check `docker logs` of the LMS container",
    );
  return {
    candidate: chosen.candidate,
    url: chosen.loopbackUrl,
    cookie: login.cookies.map((c) => c.split(";")[0]).join("; "),
  };
}

export async function createLrsClient(args: {
  sandbox: string;
  candidate?: string;
  scopes: readonly string[];
  label: string;
}): Promise<LrsClient> {
  const lms = await lmsAccess(args.sandbox, args.candidate);
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
  if (reply.status !== 201)
    throw infrastructureError(
      "LRS_CLIENT_FAILED",
      `${lms.candidate} answered ${reply.status}: ${reply.body.slice(0, 300)}`,
      "check the LMS log (`docker logs <container>`)",
    );
  const made = JSON.parse(reply.body) as { key: string; secret: string; scopes: string[] };
  // The LMS builds its endpoint from the Host it was asked on: that is already the 127.0.0.1 URL.
  return {
    candidate: lms.candidate,
    endpoint: new URL("/xapi/", lms.url).href,
    key: made.key,
    secret: made.secret,
    scopes: made.scopes,
  };
}

export async function revokeLrsClient(args: { sandbox: string; candidate?: string; key: string }) {
  const lms = await lmsAccess(args.sandbox, args.candidate);
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
  if (reply.status !== 204)
    throw infrastructureError(
      "LRS_REVOKE_FAILED",
      `${lms.candidate} answered ${reply.status}: ${reply.body.slice(0, 300)}`,
      "check the LMS log (`docker logs <container>`)",
    );
  return { candidate: lms.candidate, key: args.key, revoked: true };
}
