import { SITE_PROFILES } from "./site-profiles.ts";

/** The commented sandbox.yaml that `sandbox init` writes; it parses as is. */
export function starterSpec(args: {
  readonly name: string;
  readonly owner: string;
  readonly schemaPath?: string;
}): string {
  const profiles = Object.keys(SITE_PROFILES).join(", ");
  return `# yaml-language-server: $schema=${args.schemaPath ?? "docs/sandbox.schema.json"}
# sandbox.yaml: one private sandbox of candidate LMS and media servers.
# Every field is documented in docs/sandbox.schema.json; editors with YAML support complete it.
apiVersion: elearning-sandbox/v1
name: ${args.name}          # a-z, 0-9 and '-'; names the sandbox's containers or namespace
owner: ${JSON.stringify(args.owner)}
ttl: 8h                     # \`sandbox gc\` removes the sandbox after this (10m to 14d)

# Where it runs. docker (the default) needs only this machine. For a cluster IT owns, use:
#   target:
#     kind: kubernetes
#     context: my-cluster            # kubeconfig context; the current one when left out
#     ingressDomain: sandbox.example.internal
target:
  kind: docker

# Candidates from the catalog (stacks/catalog); list several for a side-by-side bake-off.
candidates:
  - catalog: reference-lms  # the project's own LMS on PostgreSQL: the yardstick
  - catalog: media-nginx    # HLS media server for the course video
  # - catalog: media-caddy  # Caddy serving the same HLS: a media bake-off
  # - catalog: media-httpd  # Apache httpd serving the same HLS

# Course packages (zip or folder), relative to this file. Installed into every LMS candidate
# unless \`candidates:\` names some.
courses: []
#  - path: courses/compliance-2026.zip

# Branch offices whose links the load test reproduces. Start from a profile (${profiles})
# and override any figure: downlinkMbps, uplinkMbps, rttMs, trainingShare (0-1].
sites:
  - name: headquarters
    profile: hq-lan
    learners: 200
  - name: small-branch
    profile: small-branch
    learners: 15

# The load plan: simultaneous learners at the peak, how they arrive and how long they stay.
load:
  peakLearners: 20
  rampUp: 30s
  duration: 2m
  thinkTime: { min: 3s, max: 15s }
  videoShare: 1             # share of learners who watch the video (0-1)
  runners: 1                # load-runner processes sharing the load

# What the promotion report checks.
policy:
  thresholds:
    httpP95Ms: 800
    httpErrorRate: 0.01
    rebufferRatio: 0.02
`;
}
