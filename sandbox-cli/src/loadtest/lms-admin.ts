import { infrastructureError, usageError } from "../errors.ts";

/** The reference LMS's admin API (images/reference-lms/API.md): provisioning, catalog, integrity counts. */
export interface LmsAdmin {
  provisionLearners(prefix: string, count: number, password: string): Promise<void>;
  courses(): Promise<{ id: string; title: string; format: string; launches: { id: string }[] }[]>;
  runCounts(runId: string): Promise<{ commits: number; statements: number }>;
}

export async function lmsAdmin(baseUrl: string, admin: { username: string; password: string } | undefined): Promise<LmsAdmin> {
  if (!admin) {
    throw usageError(
      "LOAD_NO_LMS_ADMIN",
      `no admin account is known for the LMS at ${baseUrl}`,
      "the sandbox's reference LMS gets one from its ADMIN_USER/ADMIN_PASSWORD; for another target set SANDBOX_LMS_ADMIN_USER and SANDBOX_LMS_ADMIN_PASSWORD",
    );
  }
  const call = async (method: string, path: string, body?: unknown, cookie?: string) => {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: { ...(body ? { "content-type": "application/json" } : {}), ...(cookie ? { cookie } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        redirect: "manual",
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw infrastructureError("LOAD_LMS_UNREACHABLE", `the LMS at ${baseUrl} does not answer ${method} ${path}`, "check `sandbox status`; the LMS container may be down", error);
    }
    if (!response.ok) {
      const text = (await response.text()).slice(0, 300);
      throw infrastructureError("LOAD_LMS_ADMIN_FAILED", `${method} ${path} on the LMS answered ${response.status}: ${text}`, "check the LMS log (`docker logs <container>`)");
    }
    return response;
  };
  const login = await call("POST", "/api/login", admin);
  const cookie = (login.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  return {
    async provisionLearners(prefix, count, password) {
      await call("POST", "/api/admin/learners", { prefix, count, password, start: 1 }, cookie);
    },
    async courses() {
      return ((await (await call("GET", "/api/courses", undefined, cookie)).json()) as { courses: never[] }).courses;
    },
    async runCounts(runId) {
      const body = (await (await call("GET", `/api/admin/runs/${encodeURIComponent(runId)}`, undefined, cookie)).json()) as {
        commits: number;
        statements: number;
      };
      return { commits: body.commits, statements: body.statements };
    },
  };
}
