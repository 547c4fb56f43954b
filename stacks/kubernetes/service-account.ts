import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { objectMeta, type SandboxIdentity } from "./metadata.ts";

/** A workload's own identity, with no API token mounted: sandbox workloads never talk to the API server. */
export function workloadServiceAccount(
  identity: SandboxIdentity,
  namespace: string,
  name: string,
): IServiceAccount {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: objectMeta(identity, name, namespace),
    automountServiceAccountToken: false,
  };
}
