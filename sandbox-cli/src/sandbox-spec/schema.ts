import { z } from "zod";
import {
  DEFAULT_IMAGE_REGISTRY,
  IMAGE_REGISTRY_PATTERN,
  IMAGE_REGISTRY_RULE,
} from "../../../stacks/catalog/images.ts";
import { durationSeconds, parseDuration } from "./duration.ts";
import { SITE_PROFILES } from "./site-profiles.ts";

const DNS_LABEL_RULE = "must be 2-40 characters of a-z, 0-9 and '-', starting with a letter";
const dnsLabel = z.string().regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, DNS_LABEL_RULE);
/** A Kubernetes namespace name (RFC 1123 label, at most 63 characters). */
const namespaceName = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    "must be a DNS label: a-z, 0-9 and '-', at most 63 characters",
  );
const dnsName = z
  .string()
  .regex(
    /^(?=.{1,200}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
    "must be a DNS name such as sandbox.example.internal",
  );

/** A duration with its default written the way a user would write it (shown in editors). */
const duration = (minS: number, maxS: number, fallback: string, description: string) =>
  durationSeconds(minS, maxS)
    .default(parseDuration(fallback) ?? 0)
    .describe(`${description} A number and a unit: 90s, 5m, 8h, 2d. Default ${fallback}.`);

export const dockerTargetSchema = z
  .strictObject({ kind: z.literal("docker") })
  .describe("Run the sandbox in the local Docker Engine (the default).");

export const kubernetesTargetSchema = z
  .strictObject({
    kind: z.literal("kubernetes"),
    context: z
      .string()
      .min(1)
      .optional()
      .describe("kubeconfig context to use; the current context when left out."),
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe("path of the kubeconfig file; $KUBECONFIG, else ~/.kube/config, when left out."),
    namespace: namespaceName.optional().describe("namespace to create; `sandbox-<name>` when left out."),
    ingressDomain: dnsName
      .default("sandbox.local")
      .describe("host suffix for candidate ingresses: <candidate>.<sandbox name>.<ingressDomain>."),
    ingressClassName: z
      .string()
      .min(1)
      .optional()
      .describe("IngressClass to use; the cluster default when left out."),
    ingressControllerNamespace: namespaceName
      .default("ingress-nginx")
      .describe("namespace of the ingress controller: the only namespace (with monitoring) allowed in."),
    monitoringNamespace: namespaceName
      .default("monitoring")
      .describe("namespace of IT's monitoring (Prometheus), allowed to scrape the candidates."),
    itViewerGroup: z
      .string()
      .min(1)
      .default("it-sandbox-viewers")
      .describe("Kubernetes group of IT reviewers, given read-only access to the namespace."),
    storageClassName: z
      .string()
      .min(1)
      .optional()
      .describe("StorageClass for volumes; the cluster default when left out."),
    registry: z
      .string()
      .regex(IMAGE_REGISTRY_PATTERN, IMAGE_REGISTRY_RULE)
      .default(DEFAULT_IMAGE_REGISTRY)
      .describe(
        "where the cluster pulls the project's images from: HOST[:PORT][/PREFIX]. Push them there with `sandbox images push --registry`; the default is the registry IT's policy allows.",
      ),
  })
  .describe("Run the sandbox as a namespace on a Kubernetes cluster that IT owns and watches.");

export const targetSchema = z
  .discriminatedUnion("kind", [dockerTargetSchema, kubernetesTargetSchema])
  .describe("Where the sandbox runs: docker (default) or kubernetes.");

export const candidateSchema = z.strictObject({
  name: dnsLabel
    .optional()
    .describe("instance name inside the sandbox, unique; the catalog id when left out."),
  catalog: z
    .string()
    .min(1)
    .describe(
      "id of a candidate in stacks/catalog, e.g. reference-lms, media-nginx, media-caddy, media-httpd.",
    ),
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe("environment overrides passed to the candidate's main container."),
});

export const courseSchema = z.strictObject({
  path: z.string().min(1).describe("path of a course zip or folder, relative to this file."),
  candidates: z
    .array(dnsLabel)
    .min(1)
    .optional()
    .describe("candidate names to install into; every LMS candidate when left out."),
});

const siteProfileNames = Object.keys(SITE_PROFILES) as [string, ...string[]];

export const siteSchema = z.strictObject({
  name: dnsLabel.describe("site name, unique, e.g. lyon-branch."),
  profile: z
    .enum(siteProfileNames)
    .optional()
    .describe("built-in link profile to start from; any link figure below overrides it."),
  downlinkMbps: z.number().positive().max(100_000).optional().describe("site downlink in Mbit/s."),
  uplinkMbps: z.number().positive().max(100_000).optional().describe("site uplink in Mbit/s."),
  rttMs: z.number().min(0).max(2000).optional().describe("round-trip time to the data centre, in ms."),
  learners: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .describe("learners at this site expected to take the course at the same time."),
  trainingShare: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe("share of the site's link that training traffic may use, in (0, 1]."),
});

export const loadSchema = z.strictObject({
  peakLearners: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(20)
    .describe("simultaneous learners at the peak."),
  rampUp: duration(0, 3600, "30s", "time to ramp from zero to the peak."),
  duration: duration(5, 4 * 3600, "2m", "time held at the peak."),
  thinkTime: z
    .strictObject({
      min: duration(0, 600, "3s", "shortest pause."),
      max: duration(0, 3600, "15s", "longest pause."),
    })
    .default({ min: 3, max: 15 })
    .describe("pause between a learner's page views and runtime commits."),
  commitInterval: duration(1, 3600, "30s", "how often a learner's content commits its runtime data."),
  videoShare: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe("share of learners watching the course video (0-1)."),
  runners: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(1)
    .describe("load-runner processes (Jobs on kubernetes) sharing the load by execution segment."),
  maxLearners: z.number().int().min(1).max(10_000).default(500).describe("hard cap: refuse a test above it."),
  maxDuration: duration(5, 24 * 3600, "30m", "hard cap: refuse a test longer than it."),
});

export const thresholdsSchema = z.strictObject({
  httpP95Ms: z.number().positive().default(800).describe("95th percentile HTTP response time, in ms."),
  httpErrorRate: z.number().min(0).max(1).default(0.01).describe("share of failed HTTP requests (0-1)."),
  rebufferRatio: z.number().min(0).max(1).default(0.02).describe("share of playback time spent rebuffering."),
  timeToFirstFrameP95S: z
    .number()
    .positive()
    .default(4)
    .describe("95th percentile time to first video frame, in s."),
  serverCpuShare: z
    .number()
    .gt(0)
    .max(1)
    .default(0.8)
    .describe("peak CPU of any candidate container, as a share of its CPU limit."),
  serverMemoryShare: z
    .number()
    .gt(0)
    .max(1)
    .default(0.85)
    .describe("peak memory of any candidate container, as a share of its memory limit."),
});

/** When the bystander (a business application sharing a site's link) counts as harmed by the learners. */
export const harmRuleSchema = z.strictObject({
  p95Factor: z
    .number()
    .min(1)
    .max(100)
    .default(2)
    .describe("harmed when the bystander's p95 latency exceeds this many times its baseline p95 (1-100)."),
  p95LimitMs: z
    .number()
    .positive()
    .max(60_000)
    .default(300)
    .describe("harmed when the bystander's p95 latency exceeds this many ms, whatever the baseline."),
  maxErrors: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe("harmed when more bystander requests than this fail or time out (0: any error harms)."),
});

export const policySchema = z.strictObject({
  thresholds: thresholdsSchema
    .default(thresholdsSchema.parse({}))
    .describe("limits a load test must stay within."),
  mediaOverhead: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe("protocol overhead added to media bitrates in the capacity model (0.1 = 10%)."),
  bystanderHarm: harmRuleSchema
    .default(harmRuleSchema.parse({}))
    .describe(
      "what harm to the other applications on a site's link means (the bystander's latency and errors).",
    ),
  rejectExternalHttp: z
    .boolean()
    .default(false)
    .describe("plain-http external hosts in a course make the verdict REJECT instead of a condition."),
});

export const sandboxSpecSchema = z
  .strictObject({
    $schema: z.string().optional().describe("path or URL of docs/sandbox.schema.json, for editors."),
    apiVersion: z.literal("elearning-sandbox/v1").default("elearning-sandbox/v1"),
    name: dnsLabel.describe("sandbox name: names its containers, networks or namespace."),
    owner: z.string().min(1).max(120).describe("who owns the sandbox (user name or e-mail)."),
    ttl: duration(600, 14 * 86_400, "8h", "how long the sandbox may live before `sandbox gc` removes it."),
    target: targetSchema.default({ kind: "docker" }),
    candidates: z
      .array(candidateSchema)
      .min(1)
      .describe("LMS and media servers from the catalog; several at once for a side-by-side bake-off."),
    courses: z.array(courseSchema).default([]).describe("course packages to install."),
    sites: z.array(siteSchema).default([]).describe("branch offices whose links the load test reproduces."),
    load: loadSchema.default(loadSchema.parse({})).describe("the load plan."),
    policy: policySchema.default(policySchema.parse({})).describe("thresholds for the promotion verdict."),
  })
  .describe("sandbox.yaml: one private sandbox of candidate LMS and media servers (elearning-sandbox).");

/** The spec as written in sandbox.yaml (durations as text, defaults not applied). */
export type SandboxSpecInput = z.input<typeof sandboxSpecSchema>;
/** The spec after validation: defaults applied, durations in seconds. */
export type SandboxSpec = z.output<typeof sandboxSpecSchema>;
export type SiteSpec = z.output<typeof siteSchema>;
export type CandidateSpec = z.output<typeof candidateSchema>;
export type LoadSpec = z.output<typeof loadSchema>;
export type Thresholds = z.output<typeof thresholdsSchema>;
export type HarmRule = z.output<typeof harmRuleSchema>;
export type KubernetesTarget = z.output<typeof kubernetesTargetSchema>;
export type TargetSpec = z.output<typeof targetSchema>;
