import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { runCli } from "../../helpers/cli.ts";
import { statement } from "./lrs.ts";

// `sandbox lrs client` against a real sandbox (docker target: reference LMS + PostgreSQL), through the CLI.
const name = `lrs-${randomBytes(3).toString("hex")}`;
let stateDir: string;
let spec: string;
const env = () => ({ SANDBOX_STATE_DIR: stateDir });

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "sandbox-lrs-"));
  spec = join(stateDir, "sandbox.yaml");
  await writeFile(
    spec,
    `name: ${name}\nowner: lrs-it@example.com\nttl: 1h\ncandidates:\n  - catalog: reference-lms\n`,
  );
  const up = await runCli(["up", "--spec", spec, "--json"], { env: env(), timeoutMs: 280_000 });
  if (up.exitCode !== 0) throw new Error(`sandbox up failed: ${up.stderr}`);
}, 300_000);

afterAll(async () => {
  await runCli(["down", "--spec", spec], { env: env(), timeoutMs: 180_000 });
  await rm(stateDir, { recursive: true, force: true });
}, 200_000);

const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`;
const xapi = (url: string, auth: string, init: RequestInit = {}) =>
  fetch(url, {
    ...init,
    headers: { authorization: auth, "x-experience-api-version": "1.0.3", "content-type": "application/json" },
  });

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("sandbox lrs client", () => {
  it("prints an endpoint on 127.0.0.1 with a key and a secret that work, stored nowhere in clear", async () => {
    const made = await runCli(
      [
        "lrs",
        "client",
        "--spec",
        spec,
        "--scope",
        "statements/write",
        "statements/read",
        "--label",
        "analytics",
        "--json",
      ],
      { env: env() },
    );
    expect(made.exitCode, made.stderr).toBe(0);
    const client = JSON.parse(made.stdout) as { endpoint: string; key: string; secret: string };
    expect(client.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/xapi\/$/);
    const auth = basic(client.key, client.secret);
    const posted = await xapi(new URL("statements", client.endpoint).href, auth, {
      method: "POST",
      body: JSON.stringify(statement()),
    });
    expect(posted.status).toBe(200);
    const [id] = (await posted.json()) as string[];
    const read = await xapi(new URL(`statements?statementId=${id}`, client.endpoint).href, auth);
    expect(((await read.json()) as { authority: { name: string } }).authority.name).toBe("analytics");
    const state = await xapi(new URL("activities/state?activityId=x", client.endpoint).href, auth);
    expect(state.status).toBe(403);

    for (const file of await filesUnder(stateDir))
      expect((await readFile(file)).includes(client.secret), file).toBe(false);
    const containers = await docker().listContainers({
      all: true,
      filters: { label: [`sandbox.name=${name}`] },
    });
    for (const c of containers) {
      const logs = (await docker().getContainer(c.Id).logs({ stdout: true, stderr: true })).toString("utf8");
      expect(logs.includes(client.secret), c.Names[0]).toBe(false);
    }

    const revoked = await runCli(["lrs", "client", "--spec", spec, "--revoke", client.key, "--json"], {
      env: env(),
    });
    expect(revoked.exitCode, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ key: client.key, revoked: true });
    expect((await xapi(new URL("statements", client.endpoint).href, auth)).status).toBe(401);
    const again = await runCli(["lrs", "client", "--spec", spec, "--revoke", client.key], { env: env() });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("LRS_NO_SUCH_CLIENT");
  }, 240_000);

  it("refuses a bad scope, an unknown candidate and a sandbox that does not exist (exit 2)", async () => {
    const scope = await runCli(["lrs", "client", "--spec", spec, "--scope", "everything"], { env: env() });
    expect(scope.exitCode).toBe(2);
    expect(scope.stderr).toContain("--scope");
    const candidate = await runCli(["lrs", "client", "--spec", spec, "--candidate", "moodle"], {
      env: env(),
    });
    expect(candidate.exitCode).toBe(2);
    expect(candidate.stderr).toContain("reference-lms");
    const missing = await runCli(["lrs", "client", "--name", "no-such-sandbox"], { env: env() });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("SANDBOX_UNKNOWN");
  }, 120_000);
});
