import type {
  Policy,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export interface EvaluatedResource {
  readonly type: string;
  readonly props: Record<string, unknown>;
  readonly name?: string;
}

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: string;
  readonly message: string;
}

/**
 * Runs the policies in-process over plain resources (as Pulumi mocks or a preview see them), for tests and
 * for checking a rendered sandbox without the policy analyzer. Disabled policies are skipped.
 */
export async function evaluatePolicies(
  policies: readonly Policy[],
  resources: readonly EvaluatedResource[],
  policyConfig: (policy: string) => Record<string, unknown> = () => ({}),
): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of policies) {
    if (policy.enforcementLevel === "disabled") continue;
    const report = (message: string) =>
      violations.push({
        policy: policy.name,
        enforcementLevel: policy.enforcementLevel ?? "advisory",
        message,
      });
    const getConfig = <T>() => policyConfig(policy.name) as T;
    const validateResource = (policy as Partial<ResourceValidationPolicy>).validateResource;
    const validateStack = (policy as Partial<StackValidationPolicy>).validateStack;
    if (validateResource) {
      const validations: ResourceValidation[] = Array.isArray(validateResource)
        ? validateResource
        : [validateResource];
      for (const resource of resources) {
        const args = {
          type: resource.type,
          props: resource.props,
          urn: `urn:pulumi:test::sandbox::${resource.type}::${resource.name ?? "r"}`,
          name: resource.name ?? "r",
          opts: {},
          getConfig,
          isType: () => false,
          asType: () => undefined,
          notApplicable: () => {},
        } as unknown as ResourceValidationArgs;
        for (const validate of validations) await validate(args, report);
      }
    }
    if (validateStack) {
      const args = { resources, getConfig } as unknown as StackValidationArgs;
      await validateStack(args, report);
    }
  }
  return violations;
}
