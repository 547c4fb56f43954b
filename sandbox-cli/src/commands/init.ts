import { access, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { Command } from "commander";
import { usageError } from "../errors.ts";
import { projectRoot } from "../paths.ts";
import { createLogger, printJson } from "../util/log.ts";

// Built on use: zod is not needed to define the command.
const initOptions = async () => {
  const { z } = await import("zod");
  return z.object({
    name: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
        "must be 2-40 characters of a-z, 0-9 and '-', starting with a letter",
      )
      .default("my-sandbox"),
    spec: z.string().min(1).default("sandbox.yaml"),
    force: z.boolean().default(false),
    json: z.boolean().default(false),
  });
};

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

export function initCommand(): Command {
  return new Command("init")
    .description("write a commented starter sandbox.yaml")
    .option("--name <name>", "sandbox name (a-z, 0-9, '-')", "my-sandbox")
    .option("--spec <file>", "where to write it", "sandbox.yaml")
    .option("--force", "overwrite an existing file")
    .option("--json", "print the result as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox init --name lms-bakeoff\n  $ npx sandbox init --spec ci/sandbox.yaml --force --json",
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = (await initOptions()).safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw usageError(
          "INIT_BAD_OPTION",
          `--${String(issue?.path[0])}: ${issue?.message}`,
          "e.g. `sandbox init --name lms-bakeoff`",
        );
      }
      const options = parsed.data;
      const path = resolve(options.spec);
      if (!options.force && (await exists(path))) {
        throw usageError(
          "INIT_EXISTS",
          `${path} already exists; not overwriting it`,
          "pass --force to replace it, or --spec OTHER.yaml to write elsewhere",
        );
      }
      const [{ SPEC_JSON_SCHEMA_PATH }, { parseSpecText }, { starterSpec }] = await Promise.all([
        import("../sandbox-spec/json-schema.ts"),
        import("../sandbox-spec/load-spec.ts"),
        import("../sandbox-spec/starter.ts"),
      ]);
      const owner = process.env.SANDBOX_OWNER || userInfo().username || "trainer";
      const schemaPath = relative(dirname(path), join(projectRoot, SPEC_JSON_SCHEMA_PATH));
      const text = starterSpec({ name: options.name, owner, schemaPath });
      parseSpecText(text, path); // the starter must always be a valid spec
      await writeFile(path, text).catch((error: Error) => {
        throw usageError(
          "INIT_UNWRITABLE",
          `cannot write ${path}: ${error.message}`,
          "create the folder first, or pass --spec with a writable path",
          error,
        );
      });
      if (options.json) printJson({ ok: true, path, name: options.name, owner });
      else
        createLogger().info(`wrote ${path}; next: edit it, then \`npx sandbox up --spec ${options.spec}\``);
    });
}
