import type { CatalogEntry } from "./schema.ts";

/** What `{{...}}` placeholders in catalog env values resolve to on a given target. */
export interface TemplateContext {
  readonly secrets: Readonly<Record<string, string>>;
  /** per dependency role: its internal hostname and first port. */
  readonly deps: Readonly<Record<string, { readonly host: string; readonly port: number }>>;
  /** the instance's own user-facing host (e.g. "127.0.0.1:20001") and base URL. */
  readonly self: { readonly host: string; readonly url: string };
}

const placeholder = /\{\{([^}]+)\}\}/g;

/** Resolves one reference (`secret:NAME`, `dep:ROLE.host|port`, `self.host|url`), undefined when unknown. */
function lookup(reference: string, context: TemplateContext): string | undefined {
  if (reference.startsWith("secret:")) return context.secrets[reference.slice(7)];
  if (reference.startsWith("dep:")) {
    const [role, field] = reference.slice(4).split(".");
    const dep = role === undefined ? undefined : context.deps[role];
    if (!dep) return undefined;
    if (field === "host") return dep.host;
    if (field === "port") return String(dep.port);
    return undefined;
  }
  if (reference === "self.host") return context.self.host;
  if (reference === "self.url") return context.self.url;
  return undefined;
}

export function renderTemplate(value: string, context: TemplateContext): string {
  return value.replace(placeholder, (whole, reference: string) => {
    const resolved = lookup(reference, context);
    if (resolved === undefined) throw new Error(`unknown placeholder ${whole} in "${value}"`);
    return resolved;
  });
}

export function renderEnv(
  env: Readonly<Record<string, string>>,
  context: TemplateContext,
): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, renderTemplate(value, context)]));
}

export function placeholdersIn(value: string): string[] {
  return [...value.matchAll(placeholder)].map((match) => match[1] ?? "");
}

/** Static checks of one entry's templates against its declared secrets and dependencies. */
export function templateProblems(entry: CatalogEntry, all: readonly CatalogEntry[]): string[] {
  const problems: string[] = [];
  const secretNames = new Set(entry.secrets.map((secret) => secret.name));
  const roles = new Set(entry.dependencies.map((dep) => dep.role));
  const check = (where: string, value: string, allowDeps: boolean) => {
    for (const reference of placeholdersIn(value)) {
      if (reference.startsWith("secret:") && secretNames.has(reference.slice(7))) continue;
      if (allowDeps && reference.startsWith("dep:")) {
        const [role, field] = reference.slice(4).split(".");
        if (role && roles.has(role) && (field === "host" || field === "port")) continue;
      }
      if (allowDeps && (reference === "self.host" || reference === "self.url")) continue;
      problems.push(`${entry.id}: ${where} uses unknown placeholder {{${reference}}}`);
    }
  };
  for (const [key, value] of Object.entries(entry.env)) check(`env.${key}`, value, true);
  for (const dep of entry.dependencies) {
    const target = all.find((candidate) => candidate.id === dep.catalog);
    if (!target)
      problems.push(`${entry.id}: dependency ${dep.role} names unknown catalog id "${dep.catalog}"`);
    else if (target.dependencies.length > 0)
      problems.push(`${entry.id}: dependency ${dep.catalog} has dependencies of its own (one level only)`);
    for (const [key, value] of Object.entries(dep.env))
      check(`dependencies.${dep.role}.env.${key}`, value, false);
  }
  if (
    entry.install.method === "publish-media" &&
    !entry.volumes.some((v) => v.name === (entry.install as { volume: string }).volume)
  ) {
    problems.push(`${entry.id}: install.volume is not one of its volumes`);
  }
  return problems;
}
