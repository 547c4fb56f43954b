import { build } from "esbuild";

/**
 * Bundles the runner (engine, scenarios, zod, hdr-histogram-js) into one file that Debian's Node 18 runs
 * without node_modules: what the load-runner image ships and what local runs start.
 */
export async function bundleRunner(outFile: string): Promise<void> {
  await build({
    entryPoints: [new URL("./runner.ts", import.meta.url).pathname],
    outfile: outFile,
    bundle: true,
    platform: "node",
    target: "node18",
    format: "cjs",
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "error",
  });
}
