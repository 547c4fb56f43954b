import { catalogEntries } from "../../../stacks/catalog/entries.ts";
import { PUSHED_TAG, pushedRepository } from "../../../stacks/catalog/images.ts";
import { planCandidates } from "../../../stacks/catalog/plan.ts";
import { infrastructureError } from "../errors.ts";
import { LOAD_RUNNER_IMAGE } from "../loadtest/runners.ts";
import type { SandboxSpec } from "../sandbox-spec/schema.ts";
import { SITE_GATEWAY_IMAGE } from "../sites/plan.ts";
import type { Logger } from "../util/log.ts";
import { docker } from "./docker.ts";
import { ensureImage, type ImageRecipe } from "./images.ts";

/**
 * The project images a sandbox pulls on a cluster: its candidates' recipes (dependencies included),
 * the load runner and the site gateway. Without a spec: every recipe of the catalog.
 */
export function imagesToPush(spec: SandboxSpec | undefined): ImageRecipe[] {
  const images = spec
    ? planCandidates(spec.candidates).flatMap((c) => c.instances.map((i) => i.image))
    : catalogEntries.map((e) => e.image);
  const recipes = images.flatMap((image) => ("recipe" in image.docker ? [image.docker.recipe] : []));
  const all = [...recipes, LOAD_RUNNER_IMAGE, SITE_GATEWAY_IMAGE];
  return [...new Map(all.map((r) => [r.name, { name: r.name, folder: r.folder }])).values()];
}

/** Tags a local image as `reference` (REPO:TAG in some registry) and pushes it there. */
export async function pushImage(localTag: string, reference: string): Promise<string> {
  const colon = reference.lastIndexOf(":");
  const [repo, tag] = [reference.slice(0, colon), reference.slice(colon + 1)];
  await docker().getImage(localTag).tag({ repo, tag });
  const stream = await docker().getImage(reference).push({ tag });
  const events = await new Promise<{ error?: string }[]>((resolve, reject) =>
    docker().modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) =>
      error ? reject(error) : resolve(output),
    ),
  );
  const failed = events.find((event) => event.error);
  if (failed) {
    throw infrastructureError(
      "IMAGE_PUSH_FAILED",
      `pushing ${reference} failed: ${failed.error}`,
      "check that the registry answers (`curl http://HOST:PORT/v2/`) and accepts pushes from this machine",
    );
  }
  return reference;
}

export interface PushedImage {
  readonly recipe: string;
  readonly local: string;
  /** what the cluster pulls (`:latest`) and the same image by its content tag. */
  readonly pushed: readonly string[];
}

/** Builds (when its inputs changed) and pushes each image under `registry`, by content tag and as :latest. */
export async function pushRecipes(
  recipes: readonly ImageRecipe[],
  registry: string,
  log: Logger,
): Promise<PushedImage[]> {
  const pushed: PushedImage[] = [];
  for (const recipe of recipes) {
    const built = await ensureImage(recipe, log);
    const repo = pushedRepository(registry, recipe.name);
    const hashTag = built.tag.slice(built.tag.lastIndexOf(":") + 1);
    const refs = [`${repo}:${hashTag}`, `${repo}:${PUSHED_TAG}`];
    await log.step(`push ${built.tag} to ${repo}`, async () => {
      for (const ref of refs) await pushImage(built.tag, ref);
    });
    pushed.push({ recipe: recipe.name, local: built.tag, pushed: refs });
  }
  return pushed;
}
