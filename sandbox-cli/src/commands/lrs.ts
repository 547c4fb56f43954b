import { Command } from "commander";
import { SCOPES } from "../../../images/reference-lms/src/xapi/scopes.ts";
import { usageError } from "../errors.ts";
import { printJson } from "../util/log.ts";

// Built on use: zod is not needed to define the command.
const clientOptions = async () => {
  const { z } = await import("zod");
  return z.object({
    spec: z.string().min(1).optional(),
    name: z.string().optional(),
    candidate: z.string().min(1).optional(),
    scope: z.array(z.enum(SCOPES)).min(1).default(["all"]),
    label: z
      .string()
      .regex(/^[A-Za-z0-9 ._@-]{1,64}$/, "1-64 letters, digits, spaces or . _ @ -")
      .default("sandbox-cli"),
    revoke: z
      .string()
      .regex(/^lrs\.[A-Za-z0-9_-]{4,64}$/, "a key printed by `sandbox lrs client` (lrs.xxxx)")
      .optional(),
    json: z.boolean().default(false),
  });
};

/** `sandbox lrs client`: an xAPI client credential on the sandbox's LRS, for IT's tools. */
function lrsClientCommand(): Command {
  return new Command("client")
    .description(
      "create an xAPI client credential (Basic key and secret) on the sandbox's LRS, or revoke one",
    )
    .option("--spec <file>", "the sandbox spec (default sandbox.yaml)")
    .option("--name <name>", "the sandbox name instead of a spec")
    .option("--candidate <name>", "the LMS candidate (default: the sandbox's first LMS with an LRS)")
    .option("--scope <scope...>", `xAPI scopes: ${SCOPES.join(", ")} (default all)`)
    .option("--label <text>", "who the credential is for, shown as its statements' authority", "sandbox-cli")
    .option("--revoke <key>", "remove the credential with this key instead")
    .option("--json", "print { endpoint, key, secret } as JSON on stdout")
    .addHelpText(
      "after",
      [
        "",
        "The secret is printed once and stored on the LMS only as a hash: keep it where your tool reads it.",
        "",
        "Examples:",
        "  $ npx sandbox lrs client --spec sandbox.yaml --scope statements/read --label analytics --json",
        "  $ npx sandbox lrs client --name demo --revoke lrs.AbCdEfGhIjKl",
      ].join("\n"),
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = (await clientOptions()).safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw usageError(
          "LRS_BAD_OPTION",
          `--${String(issue?.path[0])}: ${issue?.message}`,
          `e.g. \`sandbox lrs client --scope statements/read\` (scopes: ${SCOPES.join(", ")})`,
        );
      }
      const options = parsed.data;
      const [{ createLrsClient, revokeLrsClient }, { sandboxNameFrom }] = await Promise.all([
        import("../lrs/credentials.ts"),
        import("../engine/select.ts"),
      ]);
      const sandbox = await sandboxNameFrom(options);
      const candidate = options.candidate ? { candidate: options.candidate } : {};
      if (options.revoke) {
        const revoked = await revokeLrsClient({ sandbox, ...candidate, key: options.revoke });
        if (options.json) printJson(revoked);
        else process.stdout.write(`revoked ${revoked.key} on ${revoked.candidate}\n`);
        return;
      }
      const client = await createLrsClient({
        sandbox,
        ...candidate,
        scopes: options.scope,
        label: options.label,
      });
      if (options.json) {
        printJson({
          endpoint: client.endpoint,
          key: client.key,
          secret: client.secret,
          scopes: client.scopes,
        });
        return;
      }
      process.stdout.write(
        [
          `xAPI client on ${client.candidate} (scopes: ${client.scopes.join(", ")}):`,
          `  endpoint ${client.endpoint}`,
          `  key      ${client.key}`,
          `  secret   ${client.secret}   (shown once; revoke with --revoke ${client.key})`,
          "",
        ].join("\n"),
      );
    });
}

export function lrsCommand(): Command {
  return new Command("lrs")
    .description("the sandbox's xAPI LRS: client credentials for tools")
    .addCommand(lrsClientCommand());
}
