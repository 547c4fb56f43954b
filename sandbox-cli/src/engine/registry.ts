import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { stateDir } from "../paths.ts";
import { writeFileAtomic } from "../util/disk-space.ts";

export const instanceRecordSchema = z.object({
  instance: z.string(),
  role: z.string(),
  /** docker: the container's name; kubernetes: namespace/pod of its Ready pod when `up` last saw it. */
  container: z.string(),
  /** the name other containers of the sandbox reach it by. */
  hostname: z.string(),
  catalogId: z.string(),
});

export const candidateRecordSchema = z.object({
  name: z.string(),
  catalogId: z.string(),
  kind: z.enum(["lms", "media", "database"]),
  title: z.string(),
  /** loopback URL of the first exposed port, when it has one. */
  url: z.string().optional(),
  urls: z.record(z.string(), z.string()),
  instances: z.array(instanceRecordSchema),
});

/** What the CLI remembers of a sandbox beside its Pulumi stack (fast `list`/`status`, `gc`). */
export const sandboxRecordSchema = z.object({
  name: z.string(),
  owner: z.string(),
  target: z.enum(["docker", "kubernetes"]),
  specPath: z.string(),
  specSha256: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  updatedAt: z.string(),
  /** creating: an `up` started and has not finished (or was killed); failed: the last `up` failed. */
  state: z.enum(["creating", "up", "failed", "destroying"]),
  hostPorts: z.record(z.string(), z.number()),
  network: z.string().optional(),
  /** kubernetes: the kubeconfig and context `up` used, and the sandbox's namespace. */
  kubernetes: z
    .object({ kubeconfig: z.string(), context: z.string().optional(), namespace: z.string() })
    .optional(),
  edgeContainer: z.string().optional(),
  candidates: z.array(candidateRecordSchema),
});
export type SandboxRecord = z.infer<typeof sandboxRecordSchema>;
export type CandidateRecord = z.infer<typeof candidateRecordSchema>;

const recordsDir = () => join(stateDir(), "sandboxes");
const recordPath = (name: string) => join(recordsDir(), `${name}.json`);

export async function readRecord(name: string): Promise<SandboxRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordPath(name), "utf8");
  } catch {
    return undefined;
  }
  const parsed = sandboxRecordSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

export async function writeRecord(record: SandboxRecord): Promise<void> {
  await mkdir(recordsDir(), { recursive: true });
  await writeFileAtomic(recordPath(record.name), `${JSON.stringify(record, null, 2)}\n`);
}

export async function removeRecord(name: string): Promise<void> {
  await rm(recordPath(name), { force: true });
}

export async function listRecords(): Promise<SandboxRecord[]> {
  let files: string[];
  try {
    files = await readdir(recordsDir());
  } catch {
    return [];
  }
  const records = await Promise.all(
    files.filter((file) => file.endsWith(".json")).map((file) => readRecord(file.slice(0, -".json".length))),
  );
  return records.filter((record) => record !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}
