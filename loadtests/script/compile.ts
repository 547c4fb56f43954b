import { build, type Plugin } from "esbuild";
import { MODULE_EXPORTS, ScriptError } from "./supported.ts";
import { type TransformedScript, transformScript } from "./transform.ts";

/**
 * Bundles a k6-style script (TypeScript or JavaScript, with its own local imports) into one ES module with
 * esbuild, leaving the `k6/*` imports to the engine's own implementations, then makes it a per-VU factory.
 * An unsupported import is refused here, before anything runs, even when the script never uses it.
 */
export async function compileScript(path: string): Promise<TransformedScript> {
  const refused: ScriptError[] = [];
  const k6Modules: Plugin = {
    name: "k6-modules",
    setup(b) {
      b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => {
        if (!MODULE_EXPORTS[args.path]) refused.push(ScriptError.unsupportedImport(args.path));
        return { path: args.path, external: true };
      });
      b.onResolve({ filter: /^https?:\/\// }, (args) => {
        refused.push(ScriptError.unsupportedImport(args.path));
        return { path: args.path, external: true };
      });
    },
  };
  let code: string;
  try {
    const result = await build({
      entryPoints: [path],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      plugins: [k6Modules],
      logLevel: "silent",
      legalComments: "none",
    });
    code = result.outputFiles[0]?.text ?? "";
  } catch (error) {
    if (refused[0]) throw refused[0];
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } }[] })
      .errors;
    const first = errors?.[0];
    throw ScriptError.syntax(
      first
        ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ""}${first.text}`
        : String(error),
    );
  }
  if (refused[0]) throw refused[0];
  return transformScript(code);
}

/** The module exports a factory returns: the script's `options`, `default`, `setup`, `teardown`, ... */
export type ScriptExports = Readonly<Record<string, unknown>>;

export type ScriptFactory = (
  require: (module: string) => unknown,
  env: Readonly<Record<string, string>>,
  vu: number,
  iteration: () => number,
) => ScriptExports;

/** The factory of a compiled script: each call is a fresh copy of the module (one per VU, as in k6). */
export function scriptFactory(body: string): ScriptFactory {
  return new Function("__k6require", "__ENV", "__VU", "__k6iter", body) as ScriptFactory;
}
