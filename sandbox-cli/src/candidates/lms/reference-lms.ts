import { checkFailedError, infrastructureError, usageError } from "../../errors.ts";
import { uploadFile } from "../../install/upload.ts";
import type { CandidateTarget } from "../../sandbox/view.ts";
import { type JsonReply, jsonRequest } from "../../util/http-json.ts";
import { httpHealthy } from "../health.ts";
import type { InstalledLms, LmsAdapter, LmsAdmin } from "../types.ts";

/** Logs in as the admin; the session cookie every admin call carries. */
async function login(baseUrl: string, account: { username: string; password: string }): Promise<string> {
  const reply = await callApi(baseUrl, "POST", "/api/login", account);
  return reply.cookies.map((c) => c.split(";")[0]).join("; ");
}

async function callApi(baseUrl: string, method: string, path: string, body?: unknown, cookie?: string) {
  let response: JsonReply;
  try {
    response = await jsonRequest(method, new URL(path, baseUrl), body, cookie);
  } catch (error) {
    throw infrastructureError(
      "LMS_UNREACHABLE",
      `the LMS at ${baseUrl} does not answer ${method} ${path}`,
      "check `sandbox status`; the LMS container may be down",
      error,
    );
  }
  if (response.status < 200 || response.status > 299)
    throw lmsReplyError("LMS_ADMIN_FAILED", `${method} ${path} on the LMS`, response);
  return response;
}

/** An LMS reply that was not the expected one, with the start of its body. */
export function lmsReplyError(code: string, who: string, reply: { status: number; body: string }) {
  return infrastructureError(
    code,
    `${who} answered ${reply.status}: ${reply.body.slice(0, 300)}`,
    "check the LMS log (`docker logs <container>`)",
  );
}

function accountOf(target: CandidateTarget, account?: { username: string; password: string }) {
  const chosen = account ?? target.credentials;
  if (!chosen)
    throw usageError(
      "LMS_NO_ADMIN",
      `no admin account is known for the LMS at ${target.loopbackUrl}`,
      "the sandbox's reference LMS gets one from its ADMIN_USER/ADMIN_PASSWORD; for another target set SANDBOX_LMS_ADMIN_USER and SANDBOX_LMS_ADMIN_PASSWORD",
    );
  return chosen;
}

/** Logs in to the target as its admin (or `account`); the session cookie (lrs/ manages xAPI clients with it). */
export const adminCookie = (target: CandidateTarget, account?: { username: string; password: string }) =>
  login(target.loopbackUrl, accountOf(target, account));

/** The reference LMS (images/reference-lms, API in its API.md): zip import, learner provisioning, run counts. */
export const adapter: LmsAdapter = {
  kind: "lms",
  name: "reference-lms",
  journey: "learner-journey",
  metrics: { prometheusPath: "/metrics" },
  healthy: (target, entry) => httpHealthy(target, entry.health),

  async install({ target, entry, zip, courseId, log }): Promise<InstalledLms> {
    if (entry.install.method !== "reference-lms-api") throw new Error(`${entry.id} is not a reference LMS`);
    const baseUrl = target.loopbackUrl;
    const cookie = await adminCookie(target);
    const url = new URL(`${entry.install.importPath}?id=${courseId}&replace=true`, baseUrl);
    const reply = await log.step(`install the course into ${target.candidate}`, () =>
      uploadFile(url, zip, { "content-type": "application/zip", cookie }),
    );
    if (reply.status === 422)
      throw checkFailedError(
        "INSTALL_REJECTED",
        `${target.candidate} rejected the course: ${reply.body.slice(0, 400)}`,
        "run `sandbox course validate` and fix the findings",
      );
    if (reply.status !== 201) throw lmsReplyError("INSTALL_FAILED", target.candidate, reply);
    const course = (JSON.parse(reply.body) as { course: { id: string } }).course;
    return {
      candidate: target.candidate,
      courseId: course.id,
      launchUrl: `${baseUrl.replace(/\/$/, "")}/launch/${course.id}`,
    };
  },

  async admin(target, account): Promise<LmsAdmin> {
    const baseUrl = target.loopbackUrl;
    const cookie = await adminCookie(target, account);
    const get = async (path: string) =>
      JSON.parse((await callApi(baseUrl, "GET", path, undefined, cookie)).body);
    return {
      async provisionLearners(prefix, count, password) {
        await callApi(baseUrl, "POST", "/api/admin/learners", { prefix, count, password, start: 1 }, cookie);
      },
      async courses() {
        return (await get("/api/courses")).courses;
      },
      async runCounts(runId) {
        const body = (await get(`/api/admin/runs/${encodeURIComponent(runId)}`)) as {
          commits: number;
          statements: number;
        };
        return { commits: body.commits, statements: body.statements };
      },
    };
  },
};
