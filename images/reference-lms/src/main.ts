import { existsSync } from "node:fs";
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

async function main(): Promise<void> {
  const config = loadConfig(process.env);
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
  const app = await buildApp(ctx, assetsDir());
  await app.listen({ host: "0.0.0.0", port: config.port });
  console.log(`reference-lms: listening on :${config.port}`);
  const stop = async (signal: string) => {
    console.log(`reference-lms: ${signal}, closing`);
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
