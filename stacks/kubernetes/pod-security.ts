import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";

/** The UID/GID sandbox pods run as; pod-security "restricted" refuses root. */
export const SANDBOX_UID = 10_001;

/** Pod-level settings every sandbox pod gets (pod-security "restricted", no API token). */
export function restrictedPodSettings(serviceAccountName: string): Partial<IPodSpec> {
  return {
    serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: SANDBOX_UID,
      runAsGroup: SANDBOX_UID,
      fsGroup: SANDBOX_UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

export const restrictedContainerSecurity: NonNullable<IContainer["securityContext"]> = {
  allowPrivilegeEscalation: false,
  privileged: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/**
 * CPU cores and MiB -> requests and limits; requests are all of the memory and half the CPU limit, or
 * `requestCpu` cores when given.
 */
export function containerResources(
  cpu: number,
  memoryMb: number,
  requestCpu?: number,
): NonNullable<IContainer["resources"]> {
  const milli = Math.max(10, Math.round(cpu * 1000));
  const requestMilli = requestCpu === undefined ? milli / 2 : requestCpu * 1000;
  return {
    requests: { cpu: `${Math.max(10, Math.round(requestMilli))}m`, memory: `${memoryMb}Mi` },
    limits: { cpu: `${milli}m`, memory: `${memoryMb}Mi` },
  };
}
