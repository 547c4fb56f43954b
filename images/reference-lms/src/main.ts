import { existsSync } from "node:fs";
import { access, constants, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createPool, migrate } from "./db.ts";
import { createMetrics } from "./metrics.ts";
import { verifyPassword } from "./passwords.ts";
import { upsertUser } from "./routes/admin.ts";

/** Browser assets sit beside the bundle (image) or in ../public (running from source). */
function assetsDir(): string {
  const bundled = fileURLToPath(new URL("./public/", import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL("../public/", import.meta.url));
}

/** Fails early, naming the fix, when the course volume cannot be written (e.g. owned by another uid). */
async function checkDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
    await access(dataDir, constants.W_OK);
  } catch (error) {
    const uid = process.getuid?.() ?? "?";
    throw new Error(
      `reference-lms: DATA_DIR ${dataDir} is not writable by uid ${uid} (${(error as Error).message}); chown the volume to ${uid} or use a fresh one`,
    );
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await checkDataDir(config.dataDir);
  const db = createPool(config.databaseUrl, config.dbPoolMax);
  await migrate(db);
  const metrics = createMetrics(db);
  const ctx = { db, config, metrics };
  if (config.admin) {
    const { rows } = await db.query<{ password_hash: string; role: string }>(
      "SELECT password_hash, role FROM users WHERE username = $1",
      [config.admin.username],
    );
    const current = rows[0];
    if (current?.role !== "admin" || !(await verifyPassword(config.admin.password, current.password_hash))) {
      await upsertUser(ctx, config.admin.username, config.admin.password, "admin");
      console.log(`reference-lms: admin ${config.admin.username} is ready`);
    }
  }
  // Load tests log in on every iteration: drop expired sessions and launch tokens now and then.
  const sweep = setInterval(() => {
    db.query("DELETE FROM sessions WHERE expires_at < now()")
      .then(() => db.query("DELETE FROM xapi_tokens WHERE expires_at < now()"))
      .catch((error: unknown) =>
        console.error(`reference-lms: sweeping expired sessions failed: ${String(error)}`),
      );
  }, 10 * 60_000);
  sweep.unref();
  const app = await buildApp(ctx, assetsDir());
  await app.listen({ host: "0.0.0.0", port: config.port });
  console.log(`reference-lms: listening on :${config.port}`);
  const stop = async (signal: string) => {
    console.log(`reference-lms: ${signal}, closing`);
    clearInterval(sweep);
    await app.close();
    await db.end();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
