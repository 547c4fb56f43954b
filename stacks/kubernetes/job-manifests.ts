import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { objectMeta, type SandboxIdentity } from "./metadata.ts";
import { containerResources, restrictedContainerSecurity, restrictedPodSettings } from "./pod-security.ts";

export interface JobResources {
  readonly cpu: number;
  readonly memoryMb: number;
}

/** A run-to-completion pod: never restarted, removed an hour after it ends, killed at its deadline. */
function job(
  identity: SandboxIdentity,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  deadlineS: number,
  podSpec: Pick<IPodSpec, "containers" | "volumes">,
  serviceAccountName: string,
): IJob {
  const meta = objectMeta(identity, name, namespace, { labels });
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: meta,
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: deadlineS,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: meta.labels, annotations: meta.annotations },
        spec: { ...restrictedPodSettings(serviceAccountName), restartPolicy: "Never", ...podSpec },
      },
    },
  };
}

export interface CourseLoaderSettings {
  readonly identity: SandboxIdentity;
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  readonly serviceAccountName: string;
  /** the candidate to install into, its in-cluster base URL and its catalog install method. */
  readonly candidate: string;
  readonly targetUrl: string;
  readonly method: string;
  /** where the course package is: a PVC holding course zips, and the file's path in it. */
  readonly courseClaim: string;
  readonly coursePath: string;
  /** the candidate's Secret and the key of its admin password, when the method signs in. */
  readonly credentials:
    | { readonly secretName: string; readonly passwordKey: string; readonly user: string }
    | undefined;
  readonly deadlineS: number;
  readonly resources: JobResources;
}

export function courseLoaderJobManifest(s: CourseLoaderSettings): IJob {
  const env = [
    { name: "SANDBOX_TARGET_URL", value: s.targetUrl },
    { name: "SANDBOX_INSTALL_METHOD", value: s.method },
    ...(s.credentials
      ? [
          { name: "SANDBOX_ADMIN_USER", value: s.credentials.user },
          {
            name: "SANDBOX_ADMIN_PASSWORD",
            valueFrom: { secretKeyRef: { name: s.credentials.secretName, key: s.credentials.passwordKey } },
          },
        ]
      : []),
  ];
  return job(
    s.identity,
    s.namespace,
    s.name,
    { "sandbox.job": "course-loader", "sandbox.candidate": s.candidate },
    s.deadlineS,
    {
      containers: [
        {
          name: "course-loader",
          image: s.image,
          command: [
            "node",
            "/app/course-loader.mjs",
            "--candidate",
            s.candidate,
            "--course",
            `/course/${s.coursePath}`,
          ],
          env,
          resources: containerResources(s.resources.cpu, s.resources.memoryMb),
          volumeMounts: [{ name: "course", mountPath: "/course", readOnly: true }],
          securityContext: restrictedContainerSecurity,
        },
      ],
      volumes: [{ name: "course", persistentVolumeClaim: { claimName: s.courseClaim, readOnly: true } }],
    },
    s.serviceAccountName,
  );
}

export interface LoadRunnerSettings {
  readonly identity: SandboxIdentity;
  readonly namespace: string;
  /** names the ConfigMap and the Jobs: `load-<runId>-scripts`, `load-<runId>-<i>`. */
  readonly runId: string;
  readonly runners: number;
  readonly image: string;
  readonly serviceAccountName: string;
  readonly scripts: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly deadlineS: number;
  readonly resources: JobResources;
}

export const scriptsConfigMapName = (s: LoadRunnerSettings) => `load-${s.runId}-scripts`;
/** Runner i of N (1-based) runs execution segment "i/N": the i-th equal share of every scenario's learners. */
export const segmentOf = (index: number, runners: number) => `${index}/${runners}`;

export function loadScriptsConfigMap(s: LoadRunnerSettings): IConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: objectMeta(s.identity, scriptsConfigMapName(s), s.namespace, {
      labels: { "sandbox.run": s.runId },
    }),
    data: { ...s.scripts },
  };
}

export function loadRunnerJobManifests(s: LoadRunnerSettings): IJob[] {
  return Array.from({ length: s.runners }, (_, i) => {
    const segment = segmentOf(i + 1, s.runners);
    return job(
      s.identity,
      s.namespace,
      `load-${s.runId}-${i + 1}`,
      { "sandbox.job": "load-runner", "sandbox.run": s.runId, "sandbox.segment": `${i + 1}-of-${s.runners}` },
      s.deadlineS,
      {
        containers: [
          {
            name: "load-runner",
            image: s.image,
            command: ["node", "/app/runner.mjs", "--segment", segment],
            env: [
              ...Object.entries(s.env)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([name, value]) => ({ name, value })),
              { name: "SANDBOX_SCRIPTS_DIR", value: "/scripts" },
              { name: "SANDBOX_SEGMENT", value: segment },
            ],
            resources: containerResources(s.resources.cpu, s.resources.memoryMb),
            volumeMounts: [{ name: "scripts", mountPath: "/scripts", readOnly: true }],
            securityContext: restrictedContainerSecurity,
          },
        ],
        volumes: [{ name: "scripts", configMap: { name: scriptsConfigMapName(s) } }],
      },
      s.serviceAccountName,
    );
  });
}
