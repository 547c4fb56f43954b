import client from "prom-client";
import type { Db } from "./db.ts";

/** One registry per server: request counts and latencies, runtime writes, and the database pool. */
export function createMetrics(db: Db) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "lms_" });
  const requests = new client.Counter({
    name: "lms_http_requests_total",
    help: "HTTP requests by method, route template and status code",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: "lms_http_request_duration_seconds",
    help: "HTTP request latency by method and route template",
    labelNames: ["method", "route"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const commits = new client.Counter({
    name: "lms_runtime_commits_total",
    help: "Runtime commits stored (SCORM 1.2, SCORM 2004, AICC PutParam)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const statements = new client.Counter({
    name: "lms_xapi_statements_total",
    help: "xAPI statements stored",
    registers: [registry],
  });
  new client.Gauge({
    name: "lms_db_pool_connections",
    help: "Database pool connections by state (total, idle, waiting = queued requests)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.set({ state: "total" }, db.totalCount);
      this.set({ state: "idle" }, db.idleCount);
      this.set({ state: "waiting" }, db.waitingCount);
    },
  });
  return { registry, requests, latency, commits, statements };
}

export type Metrics = ReturnType<typeof createMetrics>;
