import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cacheDir } from "../paths.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { GO_BUILD_ENV, goVersionOf } from "./build-kubernetes.ts";
import { linkIntoTools } from "./tool-links.ts";
import { KWOK_VERSION } from "./versions.ts";

export const kwokBuildDir = () => join(cacheDir(), "tools", `kwok-v${KWOK_VERSION}`);

/** kwok's own "fast" stages: nodes become Ready, pods Running and Ready, Job pods Succeeded, deletes finish. */
const STAGE_FILES = [
  "node/fast/node-initialize.yaml",
  "node/heartbeat/node-heartbeat.yaml",
  "pod/fast/pod-ready.yaml",
  "pod/fast/pod-complete.yaml",
  "pod/fast/pod-delete.yaml",
];
export const kwokStagesFile = () => join(kwokBuildDir(), "stages.yaml");

export interface KwokTool {
  readonly binary: string;
  /** the --config file with the stages kwok plays (it refuses to start without any). */
  readonly stages: string;
}

/** Builds (first run only) and links kwok into .tools/bin; its go.mod has no replaces, so `go install` will do. */
export async function ensureKwok(log: Logger): Promise<KwokTool> {
  const bin = join(kwokBuildDir(), "bin");
  const binary = join(bin, "kwok");
  const version = await goVersionOf(binary, ["--version"]);
  if (!version?.startsWith(`kwok version v${KWOK_VERSION} `)) {
    await mkdir(bin, { recursive: true });
    await log.step(`build kwok v${KWOK_VERSION} from Go modules (first run only)`, () =>
      runProgram(
        "nice",
        [
          "-n",
          "19",
          "go",
          "install",
          "-p",
          "1",
          "-trimpath",
          "-ldflags",
          "-s -w",
          `sigs.k8s.io/kwok/cmd/kwok@v${KWOK_VERSION}`,
        ],
        {
          cwd: kwokBuildDir(),
          env: { ...GO_BUILD_ENV, GOFLAGS: "", GOBIN: bin },
          failureHint: "check that the Go module proxy is reachable (`go env GOPROXY`)",
          timeout: 3_600_000,
        },
      ),
    );
  }
  if (!existsSync(kwokStagesFile())) await writeStages();
  return { binary: await linkIntoTools(binary, "kwok"), stages: kwokStagesFile() };
}

/** Copies the stage definitions shipped in kwok's module source into one multi-document config. */
async function writeStages(): Promise<void> {
  const { stdout } = await runProgram(
    "go",
    ["mod", "download", "-json", `sigs.k8s.io/kwok@v${KWOK_VERSION}`],
    {
      cwd: kwokBuildDir(),
      env: { ...GO_BUILD_ENV, GOFLAGS: "" },
      timeout: 600_000,
    },
  );
  const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const docs = await Promise.all(
    STAGE_FILES.map((f) => readFile(join(dir, "kustomize", "stage", f), "utf8")),
  );
  await writeFile(kwokStagesFile(), docs.map((d) => d.trim()).join("\n---\n"));
}
