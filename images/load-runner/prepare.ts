import { join } from "node:path";
import { bundleRunner } from "../../loadtests/bundle.ts";

/** Adds runner.cjs (engine + scenarios, bundled for node18) to the build context. */
export async function prepare(contextDir: string): Promise<void> {
  await bundleRunner(join(contextDir, "runner.cjs"));
}
