// IT's CrossGuard policy pack for sandboxes on Kubernetes:
//   pulumi preview --policy-pack stacks/policy [--policy-pack-config it-policy.json]
// Levels and registries come from $SANDBOX_POLICY_CONFIG (a JSON file, see config.ts) when set;
// Pulumi's own --policy-pack-config can still override a rule's level.
import { readFileSync } from "node:fs";
import { PolicyPack } from "@pulumi/policy";
import { itPolicies } from "./policies.ts";

const configFile = process.env.SANDBOX_POLICY_CONFIG;
const config = configFile ? JSON.parse(readFileSync(configFile, "utf8")) : {};

new PolicyPack("elearning-sandbox-it", {
  description:
    "IT's rules for elearning-sandbox namespaces: resources, exposure, privileges, images, guardrails.",
  policies: itPolicies(config),
});
