import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

/** The pinned Caddy release; a new version is a new build folder, so the image rebuilds. */
export const CADDY_VERSION = "v2.11.9";

/**
 * Adds the `caddy` binary to the build context: built once per machine with `go install` from the Go
 * module proxy (CGO off, ~80 s on two cores) into `<cacheDir>/tools/caddy-<version>/`, then copied.
 */
export async function prepare(contextDir: string, options: { cacheDir: string }): Promise<void> {
  const binDir = join(options.cacheDir, "tools", `caddy-${CADDY_VERSION}`);
  const binary = join(binDir, "caddy");
  if (!existsSync(binary)) {
    await mkdir(binDir, { recursive: true });
    await promisify(execFile)(
      "go",
      [
        "install",
        "-trimpath",
        "-ldflags",
        "-s -w",
        `github.com/caddyserver/caddy/v2/cmd/caddy@${CADDY_VERSION}`,
      ],
      {
        env: { ...process.env, GOBIN: binDir, CGO_ENABLED: "0", GOTOOLCHAIN: "local" },
        timeout: 1_800_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: Error) => {
      throw new Error(
        `building Caddy ${CADDY_VERSION} with \`go install\` failed (needs Go and the Go module proxy): ${error.message}`,
        { cause: error },
      );
    });
  }
  await copyFile(binary, join(contextDir, "caddy"));
}
