import { renderKubernetesSandbox } from "../../../stacks/kubernetes/render.ts";
import {
  enforcementOf,
  POLICY_NAMES,
  type PolicyName,
  parseItPolicyConfig,
} from "../../../stacks/policy/config.ts";
import { evaluatePolicies } from "../../../stacks/policy/evaluate.ts";
import { itPolicies } from "../../../stacks/policy/policies.ts";
import type { PolicyResult } from "../report/input.ts";
import { type SandboxSpec, targetSchema } from "../sandbox-spec/schema.ts";

/** "apps/v1" -> "kubernetes:apps/v1:Deployment"; "v1" -> "kubernetes:core/v1:Service" (Pulumi's type tokens). */
export const pulumiTypeOf = (apiVersion: string, kind: string) =>
  `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;

/**
 * IT's policy pack applied to the sandbox as it would run on IT's cluster: the kubernetes rendering of
 * the same spec, checked in-process, one result per rule (ok when the rule found nothing).
 */
export async function evaluateItPolicy(
  spec: SandboxSpec,
  createdAt: Date,
  configInput: unknown = {},
): Promise<PolicyResult[]> {
  const config = parseItPolicyConfig(configInput);
  const onCluster: SandboxSpec =
    spec.target.kind === "kubernetes"
      ? spec
      : { ...spec, target: targetSchema.parse({ kind: "kubernetes" }) };
  const objects = renderKubernetesSandbox({ spec: onCluster, createdAt });
  const resources = objects.map((o) => ({
    type: pulumiTypeOf(o.apiVersion, o.kind),
    props: o as Record<string, unknown>,
    ...(o.metadata?.name ? { name: o.metadata.name } : {}),
  }));
  const violations = await evaluatePolicies(itPolicies(configInput), resources);
  const results: PolicyResult[] = [];
  for (const rule of POLICY_NAMES) {
    const enforcement = enforcementOf(config, rule as PolicyName);
    if (enforcement === "disabled") continue;
    const found = violations.filter((v) => v.policy === rule);
    results.push({
      rule,
      enforcement,
      ok: found.length === 0,
      message:
        found.length === 0
          ? "no violation"
          : found
              .map((v) => v.message)
              .slice(0, 3)
              .join("; ") + (found.length > 3 ? ` (+${found.length - 3} more)` : ""),
    });
  }
  return results;
}
