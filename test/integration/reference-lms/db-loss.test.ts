import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Db, inTransaction } from "../../../images/reference-lms/src/db.ts";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { ensureImage } from "../../../sandbox-cli/src/runtime/images.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";

// The reference LMS's database pool when PostgreSQL dies under a transaction (a real PostgreSQL
// container, SIGKILLed): the transaction fails, the process lives on (pg emits "error" on the checked-out
// client, which used to be unhandled and killed the LMS), and the pool works again once the database is back.
let postgres: Docker.Container;
let pool: Db;

/** A port free on 127.0.0.1 now: the database keeps it across its restart, so the same pool can heal. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function untilAnswers(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await pool.query("SELECT 1");
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

beforeAll(async () => {
  const port = await freePort();
  const image = await ensureImage({ name: "sandbox/postgres", folder: "postgres" }, silentLogger);
  postgres = await docker().createContainer({
    name: `lms-test-${randomBytes(4).toString("hex")}-db-loss`,
    Image: image.tag,
    Env: ["POSTGRES_PASSWORD=db-loss-test"],
    Labels: { "sandbox.test": "reference-lms" },
    ExposedPorts: { "5432/tcp": {} },
    HostConfig: { PortBindings: { "5432/tcp": [{ HostIp: "127.0.0.1", HostPort: String(port) }] } },
  });
  await postgres.start();
  pool = createPool(`postgres://lms:db-loss-test@127.0.0.1:${port}/lms`, 2);
  await untilAnswers(60_000);
}, 300_000);

afterAll(async () => {
  await pool?.end().catch(() => undefined);
  await postgres?.remove({ force: true, v: true }).catch(() => undefined);
});

describe("the reference LMS's pool when PostgreSQL dies", () => {
  it("fails the transaction in flight, keeps the process alive, and heals when the database is back", async () => {
    const inFlight = inTransaction(pool, (client) => client.query("SELECT pg_sleep(30)")).then(
      () => "committed",
      (error: Error) => error.message,
    );
    await new Promise((r) => setTimeout(r, 1000));
    await postgres.kill({ signal: "SIGKILL" });
    expect(await inFlight).toMatch(/Connection terminated/);
    await postgres.start();
    await untilAnswers(60_000);
    expect((await pool.query("SELECT 1 AS one")).rows[0]).toEqual({ one: 1 });
  }, 120_000);
});
