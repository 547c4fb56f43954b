import type { CatalogEntry } from "./schema.ts";

/** Where a cluster pulls the project's images from unless the spec's `target.registry` says otherwise. */
export const DEFAULT_IMAGE_REGISTRY = "registry.sandbox.internal/elearning-sandbox";

/** HOST[:PORT][/PREFIX] in lower case, as an image reference's registry part may be written. */
export const IMAGE_REGISTRY_PATTERN =
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/;
export const IMAGE_REGISTRY_RULE = "must be HOST[:PORT][/PREFIX], e.g. 127.0.0.1:5050/elearning-sandbox";

/** The repository an image recipe is pushed to under `registry`: sandbox/reference-lms -> REGISTRY/reference-lms. */
export const pushedRepository = (registry: string, recipeName: string) =>
  `${registry.replace(/\/+$/, "")}/${recipeName.split("/").pop()}`;

/** The tag `sandbox images push` gives every image, and the one the cluster pulls. */
export const PUSHED_TAG = "latest";

/**
 * The image a kubernetes pod runs: a project recipe comes from `registry` (where `sandbox images push`
 * put it); any other image is the catalog's own reference.
 */
export function kubernetesImage(image: CatalogEntry["image"], registry: string): string {
  if ("recipe" in image.docker)
    return `${pushedRepository(registry, image.docker.recipe.name)}:${PUSHED_TAG}`;
  if (!image.kubernetes) throw new Error(`an image without a recipe needs a kubernetes reference`);
  return image.kubernetes;
}
