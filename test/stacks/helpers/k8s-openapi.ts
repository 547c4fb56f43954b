// Validates rendered objects against the Kubernetes OpenAPI schema. The schema comes from the
// kubernetes-models package (tommy351/kubernetes-models-ts), generated from Kubernetes 1.33's OpenAPI
// spec and compiled to ajv validators: `new Model(obj).validate()` throws on the first invalid field.
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import {
  ConfigMap,
  LimitRange,
  Namespace,
  PersistentVolumeClaim,
  ResourceQuota,
  Secret,
  Service,
  ServiceAccount,
} from "kubernetes-models/v1";

type ModelClass = new (data: never) => { validate(): void };

const MODELS: Readonly<Record<string, ModelClass>> = {
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "v1/ConfigMap": ConfigMap,
  "v1/LimitRange": LimitRange,
  "v1/Namespace": Namespace,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/ResourceQuota": ResourceQuota,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
};

/** Throws with the object's kind, name and the schema error when `manifest` is not a valid Kubernetes object. */
export function validateAgainstOpenApi(manifest: Record<string, unknown>): void {
  const key = `${String(manifest.apiVersion)}/${String(manifest.kind)}`;
  const Model = MODELS[key];
  if (!Model)
    throw new Error(`no OpenAPI model registered for ${key}; add it to test/stacks/helpers/k8s-openapi.ts`);
  try {
    new Model(manifest as never).validate();
  } catch (error) {
    const name = (manifest.metadata as { name?: string } | undefined)?.name;
    throw new Error(
      `${key} "${name}" does not match the Kubernetes OpenAPI schema: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
