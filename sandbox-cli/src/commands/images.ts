import { Command } from "commander";
import { z } from "zod";
import { IMAGE_REGISTRY_PATTERN, IMAGE_REGISTRY_RULE } from "../../../stacks/catalog/images.ts";
import { usageError } from "../errors.ts";
import { createLogger, printJson } from "../util/log.ts";

const pushOptions = z.object({
  registry: z.string().regex(IMAGE_REGISTRY_PATTERN, IMAGE_REGISTRY_RULE),
  spec: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

function pushCommand(): Command {
  return new Command("push")
    .description(
      "build the project's images and push them to a registry a cluster pulls from (set the spec's target.registry to the same place)",
    )
    .requiredOption("--registry <host[:port]/prefix>", "where to push, e.g. 127.0.0.1:5050/elearning-sandbox")
    .option(
      "--spec <file>",
      "push only the images this spec's candidates need (default: every catalog image)",
    )
    .option("--json", "print the pushed references as JSON on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ npx sandbox images push --registry 127.0.0.1:5050/elearning-sandbox\n  $ npx sandbox images push --registry registry.example.com/training --spec examples/kubernetes-local.yaml --json",
    )
    .action(async (raw: unknown) => {
      const parsed = pushOptions.safeParse(raw);
      if (!parsed.success) {
        throw usageError(
          "IMAGES_BAD_REGISTRY",
          `--registry ${JSON.stringify((raw as { registry?: string }).registry)} ${IMAGE_REGISTRY_RULE}`,
          "give the registry as HOST[:PORT][/PREFIX] in lower case, without a scheme",
        );
      }
      const options = parsed.data;
      const [{ imagesToPush, pushRecipes }, { loadSpecFile }] = await Promise.all([
        import("../runtime/push-image.ts"),
        import("../sandbox-spec/index.ts"),
      ]);
      const spec = options.spec ? (await loadSpecFile(options.spec)).spec : undefined;
      const pushed = await pushRecipes(imagesToPush(spec), options.registry, createLogger());
      if (options.json) printJson({ registry: options.registry, images: pushed });
      else for (const image of pushed) process.stdout.write(`${image.local} -> ${image.pushed.join(", ")}\n`);
    });
}

export function imagesCommand(): Command {
  return new Command("images").description("the project's container images").addCommand(pushCommand());
}
