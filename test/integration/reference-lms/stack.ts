import { randomBytes } from "node:crypto";
import type Docker from "dockerode";
import pg from "pg";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { ensureImage } from "../../../sandbox-cli/src/runtime/images.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";

/**
 * A throwaway reference LMS + PostgreSQL on a private docker network, both published only on
 * 127.0.0.1 with random ports (PostgreSQL too, so tests can check stored rows themselves).
 */
export interface LmsStack {
  readonly baseUrl: string;
  readonly db: pg.Pool;
  readonly admin: { readonly username: string; readonly password: string };
  /** the LMS container (its CPU counters are the bench's measure). */
  readonly lms: Docker.Container;
  logs(): Promise<string>;
  stop(): Promise<void>;
}

const LABELS = { "sandbox.test": "reference-lms" };

async function publishedPort(container: Docker.Container, port: string): Promise<number> {
  const info = await container.inspect();
  const binding = info.NetworkSettings.Ports[port]?.[0];
  if (!binding) throw new Error(`container ${info.Name} publishes no ${port}`);
  return Number(binding.HostPort);
}

async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  logs: () => Promise<string>,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms\n${await logs()}`);
}

/** `env`: extra LMS environment (e.g. `XAPI_VALIDATION=off` for the validation-cost bench's baseline). */
export async function startLmsStack(options: { env?: readonly string[] } = {}): Promise<LmsStack> {
  const [pgImage, lmsImage] = [
    await ensureImage({ name: "sandbox/postgres", folder: "postgres" }, silentLogger),
    await ensureImage({ name: "sandbox/reference-lms", folder: "reference-lms" }, silentLogger),
  ];
  const id = randomBytes(4).toString("hex");
  const dbPassword = randomBytes(12).toString("hex");
  const admin = { username: "admin", password: `admin-${randomBytes(6).toString("hex")}` };
  const network = await docker().createNetwork({ Name: `lms-test-${id}`, Labels: LABELS });
  const containers: Docker.Container[] = [];
  const cleanup = async () => {
    for (const container of containers.reverse())
      await container.remove({ force: true, v: true }).catch(() => undefined);
    await network.remove().catch(() => undefined);
  };
  try {
    const postgres = await docker().createContainer({
      name: `lms-test-${id}-db`,
      Image: pgImage.tag,
      Env: [`POSTGRES_PASSWORD=${dbPassword}`],
      Labels: LABELS,
      ExposedPorts: { "5432/tcp": {} },
      HostConfig: {
        NetworkMode: network.id,
        PortBindings: { "5432/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      },
      NetworkingConfig: { EndpointsConfig: { [network.id]: { Aliases: ["db"] } } },
    });
    containers.push(postgres);
    await postgres.start();
    const lms = await docker().createContainer({
      name: `lms-test-${id}-lms`,
      Image: lmsImage.tag,
      Env: [
        `DATABASE_URL=postgres://lms:${dbPassword}@db:5432/lms`,
        `ADMIN_USER=${admin.username}`,
        `ADMIN_PASSWORD=${admin.password}`,
        ...(options.env ?? []),
      ],
      Labels: LABELS,
      ExposedPorts: { "8080/tcp": {} },
      HostConfig: {
        NetworkMode: network.id,
        PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      },
    });
    containers.push(lms);
    await lms.start();
    const logs = async () => (await lms.logs({ stdout: true, stderr: true, tail: 50 })).toString("utf8");
    const baseUrl = `http://127.0.0.1:${await publishedPort(lms, "8080/tcp")}`;
    const db = new pg.Pool({
      connectionString: `postgres://lms:${dbPassword}@127.0.0.1:${await publishedPort(postgres, "5432/tcp")}/lms`,
      max: 2,
    });
    await waitFor("reference LMS", async () => (await fetch(`${baseUrl}/healthz`)).ok, 60_000, logs);
    return {
      baseUrl,
      db,
      admin,
      lms,
      logs,
      async stop() {
        await db.end().catch(() => undefined);
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
