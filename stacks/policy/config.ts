import { z } from "zod";

/** Rule names, as `pulumi preview --policy-pack` reports them and as the config file keys them. */
export const POLICY_NAMES = [
  "containers-have-requests-and-limits",
  "no-loadbalancer-or-nodeport-services",
  "no-privileged-containers",
  "no-host-network",
  "no-host-path-volumes",
  "no-host-ports",
  "images-from-allowed-registries",
  "sandbox-namespace-guardrails",
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export const enforcementSchema = z.enum(["mandatory", "advisory", "disabled"]);
export type Enforcement = z.infer<typeof enforcementSchema>;

/** IT's settings for the pack: each rule's enforcement and the registries images may come from. */
export const itPolicyConfigSchema = z.strictObject({
  enforcement: z.partialRecord(z.enum(POLICY_NAMES), enforcementSchema).default({}),
  /** registry hosts, optionally with a path prefix, e.g. "registry.sandbox.internal/elearning-sandbox". */
  allowedRegistries: z.array(z.string().min(1)).default(["registry.sandbox.internal"]),
});
export type ItPolicyConfig = z.output<typeof itPolicyConfigSchema>;
export type ItPolicyConfigInput = z.input<typeof itPolicyConfigSchema>;

/** Every rule is mandatory unless IT's config says otherwise. */
export const DEFAULT_ENFORCEMENT: Readonly<Record<PolicyName, Enforcement>> = Object.fromEntries(
  POLICY_NAMES.map((name) => [name, "mandatory"]),
) as Record<PolicyName, Enforcement>;

export function parseItPolicyConfig(input: unknown, source = "policy config"): ItPolicyConfig {
  const parsed = itPolicyConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`,
  );
  throw new Error(
    `${source} is invalid:\n  - ${lines.join("\n  - ")}\n  rule names: ${POLICY_NAMES.join(", ")}; levels: mandatory, advisory, disabled`,
  );
}

export const enforcementOf = (config: ItPolicyConfig, name: PolicyName): Enforcement =>
  config.enforcement[name] ?? DEFAULT_ENFORCEMENT[name];
