// IT's CrossGuard policy pack for sandboxes on Kubernetes:
//   pulumi preview --policy-pack stacks/policy [--policy-pack-config it-policy.json]
// Levels and registries come from $SANDBOX_POLICY_CONFIG (a JSON file, see config.ts) when set;
// Pulumi's own --policy-pack-config can still override a rule's level.
import { PolicyPack } from "@pulumi/policy";
import { readItPolicyConfigInput } from "./config-file.ts";
import { itPolicies } from "./policies.ts";

const config = readItPolicyConfigInput();

new PolicyPack("elearning-sandbox-it", {
  description:
    "IT's rules for elearning-sandbox namespaces: resources, exposure, privileges, images, guardrails.",
  policies: itPolicies(config),
});
