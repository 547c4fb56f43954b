import pg from "pg";
import { SCHEMA_SQL } from "./schema.ts";

export type Db = pg.Pool;

export function createPool(databaseUrl: string, max: number): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the server; the pool replaces it.
  pool.on("error", (error) => console.error(`reference-lms: idle database client error: ${error.message}`));
  // pg emits "error" on a checked-out client too when the database goes away (restart, crash) and the pool
  // listens only while the client is idle: without this listener that event kills the process. The query
  // in flight fails on its own and release() then drops the broken client.
  pool.on("connect", (client) => {
    client.on("error", (error) => console.error(`reference-lms: database connection lost: ${error.message}`));
  });
  return pool;
}

/** Waits for the database to answer (it may start after us), then applies the schema. */
export async function migrate(pool: Db, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await pool.query("SELECT 1");
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`reference-lms: database not reachable: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  // Serialise concurrent starts of several replicas on one database.
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(424242)");
    await client.query(SCHEMA_SQL);
  } finally {
    await client.query("SELECT pg_advisory_unlock(424242)").catch(() => undefined);
    client.release();
  }
}

/** Runs `work` in one transaction: commit on success, rollback on error. */
export async function inTransaction<T>(pool: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
