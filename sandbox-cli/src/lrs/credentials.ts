import { findCatalogEntry } from "../../../stacks/catalog/index.ts";
import { sandboxStatus } from "../engine/status.ts";
import { infrastructureError, usageError } from "../errors.ts";
import { lmsRequest } from "../loadtest/lms-admin.ts";
import { docker } from "../runtime/docker.ts";

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

const envValue = (env: readonly string[], key: string) =>
  env.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1);

/** The sandbox's LMS that has an LRS (the named one, or the only one), logged in as its admin. */
async function lmsAccess(sandbox: string, candidate: string | undefined): Promise<LmsAccess> {
  const status = await sandboxStatus(sandbox);
  if (!status)
    throw usageError(
      "LRS_NO_SANDBOX",
      `no sandbox named "${sandbox}" on this machine`,
      "start it with `sandbox up --spec <file>`",
    );
  const withLrs = status.candidates.filter(
    (c) => findCatalogEntry(c.catalogId)?.install?.method === "reference-lms-api",
  );
  const chosen = candidate ? withLrs.find((c) => c.name === candidate) : withLrs[0];
  if (!chosen)
    throw usageError(
      "LRS_NO_CANDIDATE",
      candidate
        ? `sandbox "${sandbox}" has no LMS candidate "${candidate}" with an LRS`
        : `sandbox "${sandbox}" has no LMS with an LRS`,
      withLrs.length > 0
        ? `pick one of: ${withLrs.map((c) => c.name).join(", ")}`
        : "add `{ catalog: reference-lms }` to the spec's candidates",
    );
  const app = chosen.instances.find((i) => i.role === "app") ?? chosen.instances[0];
  if (!app || !chosen.url || app.state !== "running")
    throw infrastructureError(
      "LRS_LMS_DOWN",
      `the LMS "${chosen.name}" is not running`,
      "run `sandbox status`, then `sandbox up`",
    );
  const env = (await docker().getContainer(app.container).inspect()).Config.Env ?? [];
  const [username, password] = [envValue(env, "ADMIN_USER"), envValue(env, "ADMIN_PASSWORD")];
  if (!username || !password)
    throw infrastructureError(
      "LRS_NO_ADMIN",
      `the LMS "${chosen.name}" has no admin account set`,
      "recreate the sandbox: `sandbox down` then `sandbox up`",
    );
  const login = await lmsRequest(
    "POST",
    new URL("/api/login", chosen.url),
    { username, password },
    undefined,
  );
  if (login.status !== 200)
    throw infrastructureError(
      "LRS_LMS_LOGIN",
      `admin login on ${chosen.name} answered ${login.status}`,
      "check `docker logs` of the LMS container",
    );
  return {
    candidate: chosen.name,
    url: chosen.url,
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
  const reply = await lmsRequest(
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
  const reply = await lmsRequest(
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
