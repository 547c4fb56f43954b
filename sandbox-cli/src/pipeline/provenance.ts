import { copyFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { projectRoot } from "../paths.ts";
import { type Provenance, runDirFiles } from "../report/input.ts";
import { docker, dockerEngineVersion } from "../runtime/docker.ts";
import type { LoadedSpec } from "../sandbox-spec/index.ts";
import { pulumiLink, pulumiVersionOf } from "../setup/pulumi-cli.ts";
import { runProgram } from "../util/exec.ts";

/** Image reference -> image ID of every container carrying the sandbox's label. */
export async function sandboxImages(sandbox: string): Promise<Record<string, string>> {
  const containers = await docker().listContainers({
    all: true,
    filters: { label: [`sandbox.name=${sandbox}`] },
  });
  return Object.fromEntries(containers.map((c) => [c.Image, c.ImageID]));
}

async function gitCommit(): Promise<string | null> {
  try {
    return (
      (await runProgram("git", ["rev-parse", "HEAD"], { cwd: projectRoot, timeout: 10_000 })).stdout.trim() ||
      null
    );
  } catch {
    return null;
  }
}

export async function collectProvenance(args: {
  sandbox: string;
  specSha256: string;
  courseSha256: string | null;
  images?: Record<string, string>;
  loadEngine: { name: string; version: string } | null;
}): Promise<Provenance> {
  const pulumi = await pulumiVersionOf(pulumiLink());
  return {
    courseSha256: args.courseSha256,
    specSha256: args.specSha256,
    images: args.images ?? (await sandboxImages(args.sandbox)),
    tools: {
      node: process.versions.node,
      pulumi: pulumi ?? null,
      dockerEngine: (await dockerEngineVersion()) ?? null,
      loadEngine: args.loadEngine,
    },
    gitCommit: await gitCommit(),
  };
}

export const packageVersion = async () =>
  (JSON.parse(await readFile(join(projectRoot, "package.json"), "utf8")) as { version: string }).version;

/** Leaves beside a load run's result.json what `sandbox report --from RUN` needs: the spec as run and its provenance. */
export async function recordLoadRun(
  loaded: LoadedSpec,
  outDir: string,
  loadEngine: { name: string; version: string } | null,
): Promise<void> {
  await copyFile(loaded.path, join(outDir, runDirFiles.spec));
  const provenance = await collectProvenance({
    sandbox: loaded.spec.name,
    specSha256: loaded.sha256,
    courseSha256: null,
    loadEngine,
  });
  await writeFile(join(outDir, runDirFiles.provenance), `${JSON.stringify(provenance, null, 2)}\n`);
}
