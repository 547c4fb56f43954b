import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { PlannedCandidate, PlannedInstance } from "../catalog/plan.ts";
import { placeholdersIn, renderTemplate, type TemplateContext } from "../catalog/template.ts";

export interface EnvContext {
  /** the Secret holding the candidate's generated values (`secret:NAME` placeholders). */
  readonly secretName: string;
  /** the candidate's user-facing host (the Ingress host). */
  readonly selfHost: string;
}

export const secretEnvName = (secret: string) =>
  `SANDBOX_SECRET_${secret.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** Dependencies by their Service name, secrets as `$(VAR)` references Kubernetes expands in env values. */
function templateContext(
  instance: PlannedInstance,
  candidate: PlannedCandidate,
  ctx: EnvContext,
): TemplateContext {
  const deps = Object.fromEntries(
    Object.entries(instance.depInstances).flatMap(([role, name]) => {
      const port = candidate.instances.find((other) => other.name === name)?.ports[0]?.port;
      return port === undefined ? [] : [[role, { host: name, port }]];
    }),
  );
  const secrets = Object.fromEntries(candidate.secrets.map((s) => [s.name, `$(${secretEnvName(s.name)})`]));
  return { secrets, deps, self: { host: ctx.selfHost, url: `http://${ctx.selfHost}` } };
}

/**
 * The container env: a value that is exactly one secret reads it from the Secret; a value mixing a secret
 * into text (a database URL) uses Kubernetes' `$(VAR)` expansion of a secret env var defined before it.
 */
export function containerEnv(
  instance: PlannedInstance,
  candidate: PlannedCandidate,
  ctx: EnvContext,
): IEnvVar[] {
  const context = templateContext(instance, candidate, ctx);
  const fromSecret = (name: string, key: string): IEnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: ctx.secretName, key } },
  });
  const helpers = new Map<string, IEnvVar>();
  const vars: IEnvVar[] = [];
  for (const [name, value] of Object.entries(instance.env).sort(([a], [b]) => a.localeCompare(b))) {
    const secretRefs = placeholdersIn(value)
      .filter((ref) => ref.startsWith("secret:"))
      .map((ref) => ref.slice(7));
    let rendered: string;
    try {
      rendered = renderTemplate(value, context);
    } catch (error) {
      throw new Error(`${instance.name}: env ${name}: ${(error as Error).message}`, { cause: error });
    }
    const only = secretRefs.length === 1 && secretRefs[0] !== undefined ? secretRefs[0] : undefined;
    if (only !== undefined && rendered === `$(${secretEnvName(only)})`) {
      vars.push(fromSecret(name, only));
      continue;
    }
    for (const secret of secretRefs) helpers.set(secret, fromSecret(secretEnvName(secret), secret));
    vars.push({ name, value: rendered });
  }
  return [...helpers.values(), ...vars];
}
