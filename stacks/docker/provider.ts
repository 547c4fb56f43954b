import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "./types.ts";

/**
 * What the module at DockerSandboxArgs.providerModule exports: the effects behind each resource kind.
 * The stack declares resources only; the CLI owns the docker operations (sandbox-cli/src/runtime/docker-provider).
 */
export interface DockerProviderModule {
  providerFor(kind: ResourceKind): ResourceOperations;
}

type ResourceOperations = Required<
  Pick<pulumi.dynamic.ResourceProvider, "create" | "diff" | "update" | "delete" | "read">
>;

export type DockerProviders = Readonly<Record<ResourceKind, pulumi.dynamic.ResourceProvider>>;

/** A file: URL the provider process can import (checked before any resource is declared). */
export function providerModuleProblem(moduleUrl: string): string | undefined {
  if (URL.canParse(moduleUrl) && new URL(moduleUrl).protocol === "file:") return undefined;
  return `providerModule must be the file: URL of a module exporting providerFor(kind), got "${moduleUrl}"`;
}

/**
 * The serialized part of the provider: a few lines that import `moduleUrl` at run time. Keeping the
 * closure this small avoids serializing dockerode and the CLI's modules into the state.
 */
export function providerShim(moduleUrl: string, kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  // Built with the Function constructor: a literal `import()` is rewritten by test runners (vitest)
  // into a helper bound to their module graph, which cannot be serialized.
  const importModule = new Function("url", "return import(url)") as (
    url: string,
  ) => Promise<DockerProviderModule>;
  const load = async () => (await importModule(moduleUrl)).providerFor(kind);
  return {
    create: async (inputs) => (await load()).create(inputs),
    diff: async (id, olds, news) => (await load()).diff(id, olds, news),
    update: async (id, olds, news) => (await load()).update(id, olds, news),
    delete: async (id, props) => (await load()).delete(id, props),
    read: async (id, props) => (await load()).read(id, props),
  };
}

/** One shim per resource kind, all importing the same provider module. */
export function dockerProviders(moduleUrl: string): DockerProviders {
  const kinds: ResourceKind[] = ["network", "volume", "image", "container", "password"];
  return Object.fromEntries(kinds.map((kind) => [kind, providerShim(moduleUrl, kind)])) as DockerProviders;
}
