import http from "node:http";
import https from "node:https";
import { infrastructureError, usageError } from "../errors.ts";

interface Reply {
  status: number;
  body: string;
  cookies: string[];
}

/** One JSON request with node:http (fetch's pooled connections misbehaved behind docker-proxy here). */
export function lmsRequest(
  method: string,
  url: URL,
  body: unknown,
  cookie: string | undefined,
  contentType = "application/json",
): Promise<Reply> {
  const payload =
    body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method,
        timeout: 60_000,
        headers: {
          ...(payload ? { "content-type": contentType, "content-length": String(payload.length) } : {}),
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            cookies: [res.headers["set-cookie"] ?? []].flat(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 60 s")));
    req.on("error", reject);
    req.end(payload);
  });
}

/** The reference LMS's admin API (images/reference-lms/API.md): provisioning, catalog, integrity counts. */
export interface LmsAdmin {
  provisionLearners(prefix: string, count: number, password: string): Promise<void>;
  courses(): Promise<{ id: string; title: string; format: string; launches: { id: string }[] }[]>;
  runCounts(runId: string): Promise<{ commits: number; statements: number }>;
}

export async function lmsAdmin(
  baseUrl: string,
  admin: { username: string; password: string } | undefined,
): Promise<LmsAdmin> {
  if (!admin) {
    throw usageError(
      "LOAD_NO_LMS_ADMIN",
      `no admin account is known for the LMS at ${baseUrl}`,
      "the sandbox's reference LMS gets one from its ADMIN_USER/ADMIN_PASSWORD; for another target set SANDBOX_LMS_ADMIN_USER and SANDBOX_LMS_ADMIN_PASSWORD",
    );
  }
  const call = async (method: string, path: string, body?: unknown, cookie?: string) => {
    let response: Reply;
    try {
      response = await lmsRequest(method, new URL(path, baseUrl), body, cookie);
    } catch (error) {
      throw infrastructureError(
        "LOAD_LMS_UNREACHABLE",
        `the LMS at ${baseUrl} does not answer ${method} ${path}`,
        "check `sandbox status`; the LMS container may be down",
        error,
      );
    }
    if (response.status < 200 || response.status > 299) {
      const text = response.body.slice(0, 300);
      throw infrastructureError(
        "LOAD_LMS_ADMIN_FAILED",
        `${method} ${path} on the LMS answered ${response.status}: ${text}`,
        "check the LMS log (`docker logs <container>`)",
      );
    }
    return response;
  };
  const login = await call("POST", "/api/login", admin);
  const cookie = login.cookies.map((c) => c.split(";")[0]).join("; ");
  return {
    async provisionLearners(prefix, count, password) {
      await call("POST", "/api/admin/learners", { prefix, count, password, start: 1 }, cookie);
    },
    async courses() {
      return (JSON.parse((await call("GET", "/api/courses", undefined, cookie)).body) as { courses: never[] })
        .courses;
    },
    async runCounts(runId) {
      const body = JSON.parse(
        (await call("GET", `/api/admin/runs/${encodeURIComponent(runId)}`, undefined, cookie)).body,
      ) as {
        commits: number;
        statements: number;
      };
      return { commits: body.commits, statements: body.statements };
    },
  };
}
