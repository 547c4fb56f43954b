import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type CourseLoaderSettings, courseLoaderJobManifest, type JobResources } from "./job-manifests.ts";
import type { SandboxIdentity } from "./metadata.ts";
import { workloadServiceAccount } from "./service-account.ts";
import { asArgs, dnsLabelProblem, throwIfProblems } from "./validate.ts";

export interface CourseLoaderArgs {
  readonly identity: SandboxIdentity;
  readonly namespace: string;
  /** the LMS candidate to install into. */
  readonly candidate: string;
  /** its in-cluster base URL, e.g. http://moodle:8080. */
  readonly targetUrl: string;
  /** the catalog install method (reference-lms-api, moodle-cli, publish-media). */
  readonly method: string;
  readonly courseClaim: string;
  /** the package's path inside courseClaim. */
  readonly coursePath: string;
  readonly credentials?: CourseLoaderSettings["credentials"];
  /** default "sandbox/course-loader:latest". */
  readonly image?: string;
  /** default 1800 s. */
  readonly deadlineS?: number;
  /** default 0.5 CPU, 512 MiB. */
  readonly resources?: JobResources;
  readonly provider?: k8s.Provider;
}

export function courseLoaderSettings(name: string, args: CourseLoaderArgs): CourseLoaderSettings {
  return {
    identity: args.identity,
    namespace: args.namespace,
    name: `course-loader-${name}`,
    image: args.image ?? "sandbox/course-loader:latest",
    serviceAccountName: `course-loader-${name}`,
    candidate: args.candidate,
    targetUrl: args.targetUrl,
    method: args.method,
    courseClaim: args.courseClaim,
    coursePath: args.coursePath,
    credentials: args.credentials,
    deadlineS: args.deadlineS ?? 1800,
    resources: args.resources ?? { cpu: 0.5, memoryMb: 512 },
  };
}

export function courseLoaderProblems(s: CourseLoaderSettings): string[] {
  return [
    ...dnsLabelProblem("job name", s.name),
    ...(/^https?:\/\//.test(s.targetUrl) ? [] : [`targetUrl "${s.targetUrl}" must be an http(s) URL`]),
    ...(s.coursePath && !s.coursePath.startsWith("/") && !s.coursePath.includes("..")
      ? []
      : [`coursePath "${s.coursePath}" must be a relative path inside the course volume`]),
    ...(s.deadlineS > 0 ? [] : [`deadlineS must be positive, got ${s.deadlineS}`]),
  ];
}

/** A Job that installs one course package into one candidate, under its own token-less service account. */
export class CourseLoader extends pulumi.ComponentResource {
  readonly jobName: string;

  constructor(name: string, args: CourseLoaderArgs, opts?: pulumi.ComponentResourceOptions) {
    const s = courseLoaderSettings(name, args);
    throwIfProblems("CourseLoader", courseLoaderProblems(s));
    super("sandbox:kubernetes:CourseLoader", name, {}, opts);
    const base = { parent: this, ...(args.provider ? { provider: args.provider } : {}) };
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      workloadServiceAccount(s.identity, s.namespace, s.serviceAccountName),
      base,
    );
    new k8s.batch.v1.Job(`${name}-job`, asArgs<k8s.batch.v1.JobArgs>(courseLoaderJobManifest(s)), {
      ...base,
      dependsOn: [account],
    });
    this.jobName = s.name;
    this.registerOutputs({ jobName: this.jobName });
  }
}
