import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { ISecret } from "kubernetes-models/v1/Secret";
import { objectMeta, type SandboxIdentity } from "./metadata.ts";
import { containerResources, restrictedContainerSecurity, restrictedPodSettings } from "./pod-security.ts";
import {
  RUNNER_CONFIG_DIR,
  RUNNER_CONFIG_FILE,
  RUNNER_OUT_DIR,
  runnerEnv,
  runnerReportScript,
} from "./runner-report.ts";

export interface JobResources {
  readonly cpu: number;
  readonly memoryMb: number;
  /** cores the scheduler reserves (default half of `cpu`). */
  readonly requestCpu?: number;
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
          resources: containerResources(s.resources.cpu, s.resources.memoryMb, s.resources.requestCpu),
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
  /** names the Secret and the Jobs: `load-<runId>-config`, `load-<runId>-<i>`. */
  readonly runId: string;
  readonly runners: number;
  readonly image: string;
  readonly serviceAccountName: string;
  /** the runner configuration all runners share (JSON, loadtests/lib/config.ts); it holds the learners' password. */
  readonly config: string;
  readonly deadlineS: number;
  readonly resources: JobResources;
}

export const configSecretName = (s: Pick<LoadRunnerSettings, "runId">) => `load-${s.runId}-config`;
/** Runner i of N (1-based) runs execution segment "i/N": the i-th equal share of every scenario's learners. */
export const segmentOf = (index: number, runners: number) => `${index}/${runners}`;

/** The shared configuration, as a Secret: it holds the learners' password. */
export function loadConfigSecret(s: LoadRunnerSettings): ISecret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: objectMeta(s.identity, configSecretName(s), s.namespace, {
      labels: { "sandbox.run": s.runId },
    }),
    type: "Opaque",
    stringData: { [RUNNER_CONFIG_FILE]: s.config },
  };
}

/**
 * N Jobs of the load-runner image, runner i with execution segment i/N (the k6-operator pattern); each
 * prints its summary and raw samples to its log when it ends (runner-report.ts).
 */
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
            command: ["/bin/sh", "-c", runnerReportScript()],
            env: runnerEnv(segment),
            resources: containerResources(s.resources.cpu, s.resources.memoryMb, s.resources.requestCpu),
            volumeMounts: [
              { name: "config", mountPath: RUNNER_CONFIG_DIR, readOnly: true },
              { name: "out", mountPath: RUNNER_OUT_DIR },
            ],
            securityContext: restrictedContainerSecurity,
          },
        ],
        volumes: [
          { name: "config", secret: { secretName: configSecretName(s) } },
          { name: "out", emptyDir: { sizeLimit: "1Gi" } },
        ],
      },
      s.serviceAccountName,
    );
  });
}
