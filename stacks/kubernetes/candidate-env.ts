import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { PlannedCandidate, PlannedInstance } from "../catalog/plan.ts";
import { placeholdersIn } from "../catalog/template.ts";

export interface EnvContext {
  /** the Secret holding the candidate's generated values (`${secret:NAME}`). */
  readonly secretName: string;
  /** the candidate's user-facing host (the Ingress host). */
  readonly selfHost: string;
}

export const secretEnvName = (secret: string) => `SANDBOX_SECRET_${secret.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** `${dep:ROLE.host|port}` and `${self.*}` resolved to in-cluster names; secrets left as `$(VAR)` references. */
function resolvePlain(value: string, instance: PlannedInstance, candidate: PlannedCandidate, ctx: EnvContext): string {
  return value.replace(/\$\{([^}]+)\}/g, (whole, ref: string) => {
    if (ref.startsWith("secret:")) return `$(${secretEnvName(ref.slice(7))})`;
    if (ref === "self.host") return ctx.selfHost;
    if (ref === "self.url") return `http://${ctx.selfHost}`;
    if (ref.startsWith("dep:")) {
      const [role, field] = ref.slice(4).split(".");
      const depName = role === undefined ? undefined : instance.depInstances[role];
      const dep = candidate.instances.find((other) => other.name === depName);
      if (dep && field === "host") return dep.name;
      if (dep && field === "port" && dep.ports[0]) return String(dep.ports[0].port);
    }
    throw new Error(`${instance.name}: unknown placeholder ${whole} in "${value}"`);
  });
}

/**
 * The container env: a value that is exactly one secret reads it from the Secret; a value mixing a secret
 * into text (a database URL) uses Kubernetes' `$(VAR)` expansion of a secret env var defined before it.
 */
export function containerEnv(instance: PlannedInstance, candidate: PlannedCandidate, ctx: EnvContext): IEnvVar[] {
  const fromSecret = (name: string, key: string): IEnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: ctx.secretName, key } },
  });
  const helpers = new Map<string, IEnvVar>();
  const vars: IEnvVar[] = [];
  for (const [name, value] of Object.entries(instance.env).sort(([a], [b]) => a.localeCompare(b))) {
    const refs = placeholdersIn(value);
    const whole = /^\$\{secret:([^}]+)\}$/.exec(value);
    if (whole?.[1]) {
      vars.push(fromSecret(name, whole[1]));
      continue;
    }
    for (const ref of refs) {
      if (ref.startsWith("secret:")) helpers.set(ref, fromSecret(secretEnvName(ref.slice(7)), ref.slice(7)));
    }
    vars.push({ name, value: resolvePlain(value, instance, candidate, ctx) });
  }
  return [...helpers.values(), ...vars];
}
