import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  type JobResources,
  type LoadRunnerSettings,
  loadConfigSecret,
  loadRunnerJobManifests,
} from "./job-manifests.ts";
import type { SandboxIdentity } from "./metadata.ts";
import { workloadServiceAccount } from "./service-account.ts";
import { asArgs, dnsLabelProblem, throwIfProblems } from "./validate.ts";

/** A Secret holds at most 1 MiB. */
const SECRET_LIMIT_BYTES = 1024 * 1024;

export interface LoadRunnersArgs {
  readonly identity: SandboxIdentity;
  readonly namespace: string;
  /** a-z, 0-9, '-': names the Jobs so runs do not collide. */
  readonly runId: string;
  /** how many Jobs share the load, each taking execution segment i/N. */
  readonly runners: number;
  /** the runner configuration all runners share (JSON, loadtests/lib/config.ts), kept in a Secret. */
  readonly config: string;
  /** default "sandbox/load-runner:latest" (the project's own node load runner; k6 is not used). */
  readonly image?: string;
  /** hard stop for every runner, default 3600 s. */
  readonly deadlineS?: number;
  /** per runner, default 1 CPU, 512 MiB. */
  readonly resources?: JobResources;
  readonly provider?: k8s.Provider;
}

export function loadRunnerSettings(args: LoadRunnersArgs): LoadRunnerSettings {
  return {
    identity: args.identity,
    namespace: args.namespace,
    runId: args.runId,
    runners: args.runners,
    image: args.image ?? "sandbox/load-runner:latest",
    serviceAccountName: `load-${args.runId}`,
    config: args.config,
    deadlineS: args.deadlineS ?? 3600,
    // a small CPU request: every runner of a run must be scheduled at once, before the shared start,
    // also on a small node; the limit lets each one use a whole core
    resources: args.resources ?? { cpu: 1, memoryMb: 512, requestCpu: 0.2 },
  };
}

function configProblems(config: string): string[] {
  try {
    JSON.parse(config);
  } catch (error) {
    return [`config is not JSON: ${(error as Error).message}`];
  }
  const size = Buffer.byteLength(config);
  return size <= SECRET_LIMIT_BYTES
    ? []
    : [`config is ${size} bytes, above a Secret's 1 MiB: give the runners a smaller plan`];
}

export function loadRunnerProblems(s: LoadRunnerSettings): string[] {
  return [
    ...dnsLabelProblem("runId", s.runId),
    ...(Number.isInteger(s.runners) && s.runners >= 1 && s.runners <= 64
      ? []
      : [`runners must be a whole number from 1 to 64, got ${s.runners}`]),
    ...configProblems(s.config),
    ...(s.deadlineS > 0 && s.deadlineS <= 24 * 3600
      ? []
      : [`deadlineS must be from 1 to 86400, got ${s.deadlineS}`]),
  ];
}

/** N load-runner Jobs splitting one load test by execution segment, their configuration from one Secret. */
export class LoadRunners extends pulumi.ComponentResource {
  readonly jobNames: string[];

  constructor(name: string, args: LoadRunnersArgs, opts?: pulumi.ComponentResourceOptions) {
    const s = loadRunnerSettings(args);
    throwIfProblems("LoadRunners", loadRunnerProblems(s));
    super("sandbox:kubernetes:LoadRunners", name, {}, opts);
    const base = { parent: this, ...(args.provider ? { provider: args.provider } : {}) };
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      workloadServiceAccount(s.identity, s.namespace, s.serviceAccountName),
      base,
    );
    const config = new k8s.core.v1.Secret(
      `${name}-config`,
      asArgs<k8s.core.v1.SecretArgs>(loadConfigSecret(s)),
      base,
    );
    const jobs = loadRunnerJobManifests(s);
    for (const manifest of jobs) {
      new k8s.batch.v1.Job(`${name}-${manifest.metadata?.name}`, asArgs<k8s.batch.v1.JobArgs>(manifest), {
        ...base,
        dependsOn: [account, config],
      });
    }
    this.jobNames = jobs.map((manifest) => manifest.metadata?.name ?? "");
    this.registerOutputs({ jobNames: this.jobNames });
  }
}
