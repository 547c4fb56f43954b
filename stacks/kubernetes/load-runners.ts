import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  type JobResources,
  type LoadRunnerSettings,
  loadRunnerJobManifests,
  loadScriptsConfigMap,
} from "./job-manifests.ts";
import type { SandboxIdentity } from "./metadata.ts";
import { workloadServiceAccount } from "./service-account.ts";
import { asArgs, dnsLabelProblem, throwIfProblems } from "./validate.ts";

/** A ConfigMap holds at most 1 MiB. */
const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

export interface LoadRunnersArgs {
  readonly identity: SandboxIdentity;
  readonly namespace: string;
  /** a-z, 0-9, '-': names the Jobs so runs do not collide. */
  readonly runId: string;
  /** how many Jobs share the load, each taking execution segment i/N. */
  readonly runners: number;
  /** the load scripts by file name, mounted at /scripts. */
  readonly scripts: Readonly<Record<string, string>>;
  /** e.g. the candidates' in-cluster URLs and the plan. */
  readonly env?: Readonly<Record<string, string>>;
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
    scripts: args.scripts,
    env: args.env ?? {},
    deadlineS: args.deadlineS ?? 3600,
    resources: args.resources ?? { cpu: 1, memoryMb: 512 },
  };
}

export function loadRunnerProblems(s: LoadRunnerSettings): string[] {
  const size = Object.entries(s.scripts).reduce((sum, [k, v]) => sum + k.length + Buffer.byteLength(v), 0);
  return [
    ...dnsLabelProblem("runId", s.runId),
    ...(Number.isInteger(s.runners) && s.runners >= 1 && s.runners <= 64
      ? []
      : [`runners must be a whole number from 1 to 64, got ${s.runners}`]),
    ...(Object.keys(s.scripts).length > 0 ? [] : ["scripts is empty: give at least one load script"]),
    ...Object.keys(s.scripts)
      .filter((file) => !/^[-._a-zA-Z0-9]+$/.test(file))
      .map((file) => `script name "${file}" must be a plain file name (letters, digits, '-', '_', '.')`),
    ...(size <= CONFIGMAP_LIMIT_BYTES
      ? []
      : [`scripts total ${size} bytes, above a ConfigMap's 1 MiB: bundle them smaller`]),
    ...(s.deadlineS > 0 && s.deadlineS <= 24 * 3600
      ? []
      : [`deadlineS must be from 1 to 86400, got ${s.deadlineS}`]),
  ];
}

/** N load-runner Jobs splitting one load test by execution segment, scripts from one ConfigMap. */
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
    const scripts = new k8s.core.v1.ConfigMap(`${name}-scripts`, loadScriptsConfigMap(s), base);
    const jobs = loadRunnerJobManifests(s);
    for (const manifest of jobs) {
      new k8s.batch.v1.Job(`${name}-${manifest.metadata?.name}`, asArgs<k8s.batch.v1.JobArgs>(manifest), {
        ...base,
        dependsOn: [account, scripts],
      });
    }
    this.jobNames = jobs.map((manifest) => manifest.metadata?.name ?? "");
    this.registerOutputs({ jobNames: this.jobNames });
  }
}
