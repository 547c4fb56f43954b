import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { cacheDir } from "../paths.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { GO_BUILD_ENV, goVersionOf } from "./build-kubernetes.ts";
import { linkIntoTools } from "./tool-links.ts";
import { KWOK_VERSION } from "./versions.ts";

export const kwokBuildDir = () => join(cacheDir(), "tools", `kwok-v${KWOK_VERSION}`);

/** Builds (first run only) and links kwok into .tools/bin; its go.mod has no replaces, so `go install` will do. */
export async function ensureKwok(log: Logger): Promise<string> {
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
  return linkIntoTools(binary, "kwok");
}
