import type { PlannedCandidate } from "../catalog/index.ts";
import type { Endpoint } from "./plan.ts";

/** The edge's own readiness port (never published). */
export const EDGE_HEALTH_PORT = 8081;

/**
 * nginx.conf of the edge proxy: one server per published port, forwarding to the candidate by its
 * internal hostname. Upstreams resolve at request time (Docker's DNS), so a replaced candidate
 * container is found again without restarting the edge.
 */
export function edgeNginxConf(
  endpoints: readonly Endpoint[],
  candidates: readonly PlannedCandidate[],
): string {
  const servers = endpoints.map((endpoint) => {
    const target = candidates
      .flatMap((candidate) => candidate.instances)
      .find((instance) => instance.name === endpoint.instance)
      ?.ports.find((port) => port.name === endpoint.port);
    if (!target) throw new Error(`edge: no port ${endpoint.port} on ${endpoint.instance}`);
    return [
      "  server {",
      `    listen ${endpoint.hostPort};`,
      "    location / {",
      `      set $upstream http://${endpoint.instance}:${target.port};`,
      "      proxy_pass $upstream;",
      "      proxy_set_header Host $http_host;",
      "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
      "      proxy_set_header X-Forwarded-Proto http;",
      "    }",
      "  }",
    ].join("\n");
  });
  return [
    "worker_processes 1;",
    "pid /run/nginx.pid;",
    "error_log /dev/stderr warn;",
    "events { worker_connections 4096; }",
    "http {",
    "  access_log off;",
    "  server_tokens off;",
    "  resolver 127.0.0.11 valid=5s ipv6=off;",
    "  proxy_http_version 1.1;",
    '  proxy_set_header Connection "";',
    "  proxy_read_timeout 300s;",
    "  proxy_buffering off;",
    "  client_max_body_size 4g;",
    `  server { listen ${EDGE_HEALTH_PORT}; location = /healthz { return 200 "ok\\n"; } }`,
    ...servers,
    "}",
    "",
  ].join("\n");
}
