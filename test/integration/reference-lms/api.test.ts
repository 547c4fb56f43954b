import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { zipFixture } from "../../helpers/course-fixtures.ts";
import { LmsClient } from "./client.ts";
import { type LmsStack, startLmsStack } from "./stack.ts";
import { scorm12Package } from "./zip.ts";

let stack: LmsStack;
let admin: LmsClient;

beforeAll(async () => {
  stack = await startLmsStack();
  admin = new LmsClient(stack.baseUrl);
  await admin.login(stack.admin.username, stack.admin.password);
});
afterAll(async () => {
  await stack?.stop();
});

/** The container's anonymous memory in MB (cgroup v1 `total_rss`, v2 `anon`), from the Engine API. */
async function anonymousMb(container: LmsStack["lms"]): Promise<number> {
  const stats = (await container.stats({ stream: false })) as unknown as {
    memory_stats?: { stats?: Record<string, number> };
  };
  const s = stats.memory_stats?.stats ?? {};
  return (s.total_rss ?? s.anon ?? Number.NaN) / 1024 / 1024;
}

describe("health, metrics and accounts", () => {
  it("answers /healthz and serves Prometheus metrics", async () => {
    const anon = new LmsClient(stack.baseUrl);
    expect((await anon.request("GET", "/healthz")).json).toEqual({ status: "ok" });
    const metrics = await anon.request("GET", "/metrics");
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    for (const name of [
      "lms_http_requests_total",
      "lms_http_request_duration_seconds_bucket",
      "lms_db_pool_connections",
      "lms_runtime_commits_total",
      "lms_xapi_statements_total",
    ]) {
      expect(metrics.text).toContain(name);
    }
  });

  it("logs in with an httpOnly session cookie and refuses wrong passwords", async () => {
    const client = new LmsClient(stack.baseUrl);
    const wrong = await client.request("POST", "/api/login", {
      json: { username: "admin", password: "not-it-at-all" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe("BAD_CREDENTIALS");
    const ok = await client.login(stack.admin.username, stack.admin.password);
    expect(ok.setCookie).toMatch(/lms_session=.+HttpOnly/i);
    expect((await client.request("GET", "/api/me")).json.user).toMatchObject({
      username: "admin",
      role: "admin",
    });
    expect((await client.request("POST", "/api/logout")).status).toBe(204);
    expect((await client.request("GET", "/api/me")).status).toBe(401);
  });

  it("stores passwords as scrypt hashes", async () => {
    const { rows } = await stack.db.query("SELECT password_hash FROM users WHERE username = 'admin'");
    expect(rows[0].password_hash).toMatch(/^scrypt\$\d+\$8\$1\$/);
    expect(rows[0].password_hash).not.toContain(stack.admin.password);
  });

  it("gives a login's scrypt memory back: logins at once leave the anonymous memory where it was", async () => {
    // Each login verifies an scrypt hash (16 MiB of native memory on a libuv pool thread). With glibc's dynamic
    // mmap threshold those buffers stayed in per-thread arenas: +64 MB after 4 logins at once, kept for good.
    const login = () =>
      new LmsClient(stack.baseUrl).request("POST", "/api/login", {
        json: { username: "nobody", password: "not-a-password" },
      });
    await login();
    const before = await anonymousMb(stack.lms);
    for (let round = 0; round < 3; round++) await Promise.all([login(), login(), login(), login()]);
    const after = await anonymousMb(stack.lms);
    const grew = `anonymous memory ${before.toFixed(1)} -> ${after.toFixed(1)} MB`;
    expect(after - before, grew).toBeLessThan(24);
  });

  it("provisions learners in bulk, and learners are not admins", async () => {
    const created = await admin.request("POST", "/api/admin/learners", {
      json: { prefix: "bulk", count: 25, password: "learner-pass" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ created: 25, first: "bulk1", last: "bulk25" });
    const learner = new LmsClient(stack.baseUrl);
    await learner.login("bulk25", "learner-pass");
    expect(
      (
        await learner.request("POST", "/api/admin/learners", {
          json: { prefix: "x", count: 1, password: "12345678" },
        })
      ).status,
    ).toBe(403);
    const bad = await admin.request("POST", "/api/admin/learners", {
      json: { prefix: "bad prefix", count: 0, password: "short" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain("prefix");
  });
});

describe("images", () => {
  it("the PostgreSQL image says which variable is missing and exits 2", async () => {
    const image = (await docker().getImage("sandbox/postgres:latest").inspect()).Id;
    const container = await docker().createContainer({
      Image: image,
      Labels: { "sandbox.test": "reference-lms" },
    });
    try {
      await container.start();
      const { StatusCode } = await container.wait();
      expect(StatusCode).toBe(2);
      const logs = (await container.logs({ stdout: true, stderr: true })).toString("utf8");
      expect(logs).toContain("POSTGRES_PASSWORD is empty; set it");
    } finally {
      await container.remove({ force: true, v: true });
    }
  });
});

describe("course install", () => {
  it("installs the hand-written SCORM 1.2 package and lists it in the catalog", async () => {
    const installed = await admin.install(await zipFixture("scorm12-basic"), "?id=basic12");
    expect(installed.status).toBe(201);
    expect(installed.json.course).toMatchObject({
      id: "basic12",
      format: "scorm12",
      launches: [{ id: "item_1", url: "shared/launchpage.html" }],
    });
    const catalog = await admin.request("GET", "/api/courses");
    expect(catalog.json.courses.map((c: { id: string }) => c.id)).toContain("basic12");
    expect((await admin.install(await zipFixture("scorm12-basic"), "?id=basic12")).status).toBe(409);
  });

  it("rejects invalid packages with the intake findings (HTTP 422)", async () => {
    const bad = await admin.install(await zipFixture("manifest-in-folder"));
    expect(bad.status).toBe(422);
    expect(bad.json.error).toBe("COURSE_INVALID");
    expect(bad.json.findings.map((f: { code: string }) => f.code)).toContain("MANIFEST_NOT_AT_ROOT");
    const unknown = await admin.install(await zipFixture("unknown-format"));
    expect(unknown.status).toBe(422);
  });

  it("refuses hostile packages (an entry climbing out with '..', a symlink) with findings", async () => {
    const escaping = await admin.install(
      scorm12Package([{ name: "../../escaping.txt", data: "pwned" }]),
      "?id=hostile",
    );
    expect(escaping.status).toBe(422);
    expect(escaping.json.findings.length).toBeGreaterThan(0);
    const link = await admin.install(
      scorm12Package([{ name: "link", data: "/etc/passwd", mode: 0o120777 }]),
      "?id=hostile",
    );
    expect(link.status).toBe(422);
    expect((await admin.request("GET", "/api/courses/hostile")).status).toBe(404);
  });

  it("says what to send when the body is not a zip, and who may install", async () => {
    const notZip = await admin.install(new TextEncoder().encode("plain text, not a zip"));
    expect(notZip.status).toBe(400);
    expect(notZip.json.error).toBe("NOT_A_COURSE_ZIP");
    const wrongType = await admin.request("POST", "/api/courses", { json: { zip: "no" } });
    expect(wrongType.status).toBe(415);
    const badId = await admin.install(scorm12Package(), "?id=Bad_ID");
    expect(badId.status).toBe(400);
    const learner = new LmsClient(stack.baseUrl);
    await learner.login("bulk1", "learner-pass");
    expect((await learner.install(scorm12Package())).status).toBe(403);
  });

  it("serves course files only to logged-in users and never outside the course", async () => {
    const anon = new LmsClient(stack.baseUrl);
    expect((await anon.request("GET", "/content/basic12/shared/launchpage.html")).status).toBe(401);
    const file = await admin.request("GET", "/content/basic12/shared/launchpage.html");
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toContain("text/html");
    for (const path of [
      "/content/basic12/..%2F..%2F..%2Fetc%2Fpasswd",
      "/content/basic12/%2e%2e/%2e%2e/etc/passwd",
      "/content/basic12/shared/..%2f..%2f..%2fschema.sql",
    ]) {
      const escaped = await admin.request("GET", path);
      expect(escaped.status, path).toBeGreaterThanOrEqual(400);
      expect(escaped.text).not.toContain("root:");
    }
  });
});

describe("SCORM runtime commits", () => {
  it("stores every commit with its cmi data and the load-run id, and restores state on the next launch", async () => {
    const learner = new LmsClient(stack.baseUrl);
    await learner.login("bulk2", "learner-pass");
    const launch = (await learner.request("POST", "/api/courses/basic12/launch", { json: {} })).json.launch;
    expect(launch).toMatchObject({ format: "scorm12", scorm: { version: "1.2" } });
    const cmi = {
      core: { lesson_status: "incomplete", lesson_location: "3", score: { raw: "42" } },
      suspend_data: "page=3",
    };
    for (let i = 0; i < 2; i++) {
      const commit = await learner.request("POST", launch.scorm.commitUrl, {
        json: { completionStatus: "incomplete", runtimeData: { cmi } },
        headers: { "X-Load-Run": "run-api-1" },
      });
      expect(commit.json).toEqual({ result: true, errorCode: 0 });
    }
    // The terminate commit of scorm-again goes by sendBeacon: text/plain, run id in the query.
    const beacon = await learner.request("POST", `${launch.scorm.commitUrl}?run=run-api-1`, {
      body: JSON.stringify({ completionStatus: "incomplete", runtimeData: { cmi } }),
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect(beacon.json).toEqual({ result: true, errorCode: 0 });
    expect(
      (
        await learner.request("POST", launch.scorm.commitUrl, {
          body: "not json",
          headers: { "content-type": "text/plain" },
        })
      ).json.error,
    ).toBe("BAD_COMMIT");
    expect((await admin.request("GET", "/api/admin/runs/run-api-1")).json).toMatchObject({
      commits: 3,
      commitsByKind: { scorm12: 3 },
    });
    const { rows } = await stack.db.query(
      "SELECT cmi, completion_status, score, load_run FROM commits WHERE attempt_id = $1",
      [launch.attemptId],
    );
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ completion_status: "incomplete", score: 42, load_run: "run-api-1" });
    expect(rows[0].cmi.runtimeData.cmi.suspend_data).toBe("page=3");
    const again = (await learner.request("POST", "/api/courses/basic12/launch", { json: {} })).json.launch;
    expect(again.attemptId).toBe(launch.attemptId);
    expect(again.scorm.state).toEqual({ location: "3", suspendData: "page=3", lessonStatus: "incomplete" });
  });

  it("refuses commits to someone else's attempt", async () => {
    const owner = new LmsClient(stack.baseUrl);
    await owner.login("bulk3", "learner-pass");
    const launch = (await owner.request("POST", "/api/courses/basic12/launch", { json: {} })).json.launch;
    const other = new LmsClient(stack.baseUrl);
    await other.login("bulk4", "learner-pass");
    const stolen = await other.request("POST", launch.scorm.commitUrl, { json: { cmi: {} } });
    expect(stolen.status).toBe(404);
    expect(
      (await new LmsClient(stack.baseUrl).request("POST", launch.scorm.commitUrl, { json: { cmi: {} } }))
        .status,
    ).toBe(401);
  });
});
