import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./types.ts";

type ProviderModule = typeof import("./provider-impl.ts");

/** file:// URL of the implementation, resolved here so the serialized shim captures only this string. */
const implementationUrl = new URL("./provider-impl.ts", import.meta.url).href;

/**
 * The serialized part of the provider: a few lines that import provider-impl.ts at run time. Keeping
 * the closure this small avoids serializing dockerode and the project's modules into the state.
 */
export function providerShim(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const moduleUrl = implementationUrl;
  // Built with the Function constructor: a literal `import()` is rewritten by test runners (vitest)
  // into a helper bound to their module graph, which cannot be serialized.
  const importModule = new Function("url", "return import(url)") as (url: string) => Promise<ProviderModule>;
  const load = async () => (await importModule(moduleUrl)).providerFor(kind);
  return {
    create: async (inputs) => (await load()).create(inputs),
    diff: async (id, olds, news) => (await load()).diff(id, olds, news),
    update: async (id, olds, news) => (await load()).update(id, olds, news),
    delete: async (id, props) => (await load()).delete(id, props),
    read: async (id, props) => (await load()).read(id, props),
  };
}

const shims = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();
export const provider = (kind: ResourceKind) => {
  let shim = shims.get(kind);
  if (!shim) {
    shim = providerShim(kind);
    shims.set(kind, shim);
  }
  return shim;
};
