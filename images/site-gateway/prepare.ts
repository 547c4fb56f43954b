import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const sourceDir = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles src/ (TypeScript, zod) into one ESM file that Debian's Node 18 runs without node_modules.
 * The entry is read from the checkout (not the context copy) so imports resolve from its node_modules.
 */
export async function prepare(contextDir: string): Promise<void> {
  await build({
    entryPoints: [join(sourceDir, "src", "main.ts")],
    outfile: join(contextDir, "site-gateway.mjs"),
    bundle: true,
    platform: "node",
    target: "node18",
    format: "esm",
    legalComments: "none",
    logLevel: "error",
  });
  await rm(join(contextDir, "src"), { recursive: true, force: true });
}
