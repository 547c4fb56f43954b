import type {
  Policy,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { enforcementOf, type ItPolicyConfig, type PolicyName, parseItPolicyConfig } from "./config.ts";
import {
  disallowedImages,
  exposedServiceType,
  hostNetwork,
  hostPathVolumes,
  hostPorts,
  missingRequestsAndLimits,
  privilegedContainers,
  sandboxNamespaceGuardrails,
} from "./rules.ts";

type Rule = (type: string, props: Record<string, unknown>, args: ResourceValidationArgs) => string[];

const RESOURCE_RULES: readonly { name: PolicyName; description: string; rule: Rule }[] = [
  {
    name: "containers-have-requests-and-limits",
    description: "Every container states CPU and memory requests and limits.",
    rule: missingRequestsAndLimits,
  },
  {
    name: "no-loadbalancer-or-nodeport-services",
    description:
      "No LoadBalancer or NodePort Services: sandboxes are reached through the ingress controller only.",
    rule: exposedServiceType,
  },
  { name: "no-privileged-containers", description: "No privileged containers.", rule: privilegedContainers },
  { name: "no-host-network", description: "No pod uses the node's network.", rule: hostNetwork },
  { name: "no-host-path-volumes", description: "No hostPath volumes.", rule: hostPathVolumes },
  { name: "no-host-ports", description: "No container binds a port on the node.", rule: hostPorts },
];

/** IT's policies, with each rule's enforcement level taken from `config` (mandatory by default). */
export function itPolicies(configInput: unknown = {}): Policy[] {
  const config: ItPolicyConfig = parseItPolicyConfig(configInput);
  const report = (reportViolation: ReportViolation, messages: string[]) => {
    for (const message of messages) reportViolation(message);
  };
  const resourcePolicies: ResourceValidationPolicy[] = RESOURCE_RULES.map(({ name, description, rule }) => ({
    name,
    description,
    enforcementLevel: enforcementOf(config, name),
    validateResource: (args, reportViolation) => report(reportViolation, rule(args.type, args.props, args)),
  }));
  const images: ResourceValidationPolicy = {
    name: "images-from-allowed-registries",
    description: "Images come from an allowed registry or are pinned by digest.",
    enforcementLevel: enforcementOf(config, "images-from-allowed-registries"),
    configSchema: {
      properties: {
        allowedRegistries: { type: "array", items: { type: "string" }, default: config.allowedRegistries },
      },
    },
    validateResource: (args, reportViolation) => {
      const fromPulumi = args.getConfig<{ allowedRegistries?: string[] }>().allowedRegistries;
      report(
        reportViolation,
        disallowedImages(args.type, args.props, fromPulumi ?? config.allowedRegistries),
      );
    },
  };
  const guardrails: StackValidationPolicy = {
    name: "sandbox-namespace-guardrails",
    description: "Every sandbox namespace has the sandbox.expires-at label and a default-deny NetworkPolicy.",
    enforcementLevel: enforcementOf(config, "sandbox-namespace-guardrails"),
    validateStack: (args: StackValidationArgs, reportViolation) =>
      report(
        reportViolation,
        sandboxNamespaceGuardrails(args.resources.map((r) => ({ type: r.type, props: r.props }))),
      ),
  };
  return [...resourcePolicies, images, guardrails];
}
