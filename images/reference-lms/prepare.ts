import { realpathSync } from "node:fs";
import { cp, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(here, "..", "..");

/** Packages that load their own files with computed require() paths: shipped as they are, beside the bundle. */
const UNBUNDLED = ["xapi-validation"];

/** Copies packages and their dependencies (npm's flat node_modules) into `target`. */
async function copyPackages(
  names: readonly string[],
  target: string,
  seen = new Set<string>(),
): Promise<void> {
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    const source = join(projectRoot, "node_modules", name);
    await cp(source, join(target, name), { recursive: true });
    const manifest = JSON.parse(await readFile(join(source, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    await copyPackages(Object.keys(manifest.dependencies ?? {}), target, seen);
  }
}

/**
 * Bundles the server (and the course intake module it imports) into one ESM file, puts the browser
 * assets beside it (ours and scorm-again's runtime API builds), and adds the Node binary running
 * this build: the intake module needs Node 20 (zlib.crc32) and Debian bookworm ships only Node 18.
 * Official and NodeSource Node builds need nothing beyond glibc and libstdc++, both in the base image.
 */
export async function prepare(contextDir: string): Promise<void> {
  const dist = join(contextDir, "dist");
  await mkdir(join(dist, "public"), { recursive: true });
  await build({
    entryPoints: [join(here, "src", "main.ts")],
    outfile: join(dist, "server.mjs"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: true,
    external: ["pg-native", ...UNBUNDLED],
    // CommonJS dependencies call require() on Node built-ins; give the ESM bundle one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  await copyPackages(UNBUNDLED, join(dist, "node_modules"));
  await cp(join(here, "public"), join(dist, "public"), { recursive: true });
  const scormAgain = join(projectRoot, "node_modules", "scorm-again", "dist");
  for (const file of ["scorm12.min.js", "scorm2004.min.js"])
    await cp(join(scormAgain, file), join(dist, "public", file));
  await cp(realpathSync(process.execPath), join(contextDir, "node"));
  await rm(join(contextDir, "src"), { recursive: true, force: true });
  await rm(join(contextDir, "public"), { recursive: true, force: true });
}
