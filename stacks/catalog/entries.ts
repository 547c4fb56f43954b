import type { CatalogEntryInput } from "./schema.ts";

/**
 * The candidates a sandbox can run, as data. Docker images come from `images/<folder>` recipes built
 * locally FROM sandbox/base:bookworm (no registry is reachable from the sandbox machines); `adapter`
 * names the file under sandbox-cli/src/candidates/<kind>/ that knows how to install into it and load it.
 */
export const catalogEntries: readonly CatalogEntryInput[] = [
  {
    id: "reference-lms",
    title: "Reference LMS",
    kind: "lms",
    adapter: "reference-lms",
    description:
      "The project's own small SCORM 1.2/2004, xAPI and cmi5 LMS (images/reference-lms) on PostgreSQL: the yardstick other LMSs are compared with.",
    image: {
      docker: { recipe: { name: "sandbox/reference-lms", folder: "reference-lms" } },
    },
    ports: [{ name: "http", port: 8080, protocol: "http", expose: true }],
    env: {
      PORT: "8080",
      DATABASE_URL: "postgres://lms:{{secret:dbPassword}}@{{dep:database.host}}:{{dep:database.port}}/lms",
      ADMIN_USER: "admin",
      ADMIN_PASSWORD: "{{secret:adminPassword}}",
    },
    health: { kind: "http", path: "/healthz", port: 8080 },
    resources: { cpu: 1, memoryMb: 512 },
    volumes: [{ name: "courses", mountPath: "/var/lib/reference-lms", purpose: "imported course packages" }],
    secrets: [{ name: "dbPassword" }, { name: "adminPassword" }],
    dependencies: [
      {
        role: "database",
        catalog: "postgres",
        env: { POSTGRES_USER: "lms", POSTGRES_DB: "lms", POSTGRES_PASSWORD: "{{secret:dbPassword}}" },
      },
    ],
    install: {
      method: "reference-lms-api",
      importPath: "/api/courses",
      adminUserEnv: "ADMIN_USER",
      adminPasswordSecret: "adminPassword",
    },
  },
  {
    id: "media-nginx",
    title: "HLS media server (nginx)",
    kind: "media",
    adapter: "nginx",
    description:
      "nginx from Debian serving HLS (m3u8 + ts) with CORS, correct MIME types and range requests, from a content volume the course video is published into.",
    image: {
      docker: { recipe: { name: "sandbox/media-nginx", folder: "media-nginx" } },
    },
    ports: [{ name: "http", port: 8080, protocol: "http", expose: true }],
    health: { kind: "http", path: "/healthz", port: 8080 },
    resources: { cpu: 0.5, memoryMb: 128 },
    volumes: [{ name: "content", mountPath: "/srv/media", purpose: "published HLS renditions" }],
    install: { method: "publish-media", volume: "content", urlPrefix: "/media/" },
  },
  {
    id: "media-caddy",
    title: "HLS media server (Caddy)",
    kind: "media",
    adapter: "caddy",
    description:
      "Caddy v2 (built here from its Go module) serving HLS (m3u8 + ts) with CORS, correct MIME types and range requests, from a content volume the course video is published into.",
    image: {
      docker: { recipe: { name: "sandbox/media-caddy", folder: "media-caddy" } },
      kubernetes: "registry.sandbox.internal/elearning-sandbox/media-caddy:latest",
    },
    ports: [{ name: "http", port: 8080, protocol: "http", expose: true }],
    health: { kind: "http", path: "/healthz", port: 8080 },
    resources: { cpu: 0.5, memoryMb: 128 },
    volumes: [{ name: "content", mountPath: "/srv/media", purpose: "published HLS renditions" }],
    install: { method: "publish-media", volume: "content", urlPrefix: "/media/" },
  },
  {
    id: "media-httpd",
    title: "HLS media server (Apache httpd)",
    kind: "media",
    adapter: "httpd",
    description:
      "Apache httpd 2.4 from Debian (event MPM) serving HLS (m3u8 + ts) with CORS, correct MIME types and range requests, from a content volume the course video is published into.",
    image: {
      docker: { recipe: { name: "sandbox/media-httpd", folder: "media-httpd" } },
      kubernetes: "registry.sandbox.internal/elearning-sandbox/media-httpd:latest",
    },
    ports: [{ name: "http", port: 8080, protocol: "http", expose: true }],
    health: { kind: "http", path: "/healthz", port: 8080 },
    resources: { cpu: 0.5, memoryMb: 128 },
    volumes: [{ name: "content", mountPath: "/srv/media", purpose: "published HLS renditions" }],
    install: { method: "publish-media", volume: "content", urlPrefix: "/media/" },
  },
  {
    id: "postgres",
    title: "PostgreSQL 15",
    kind: "database",
    description: "PostgreSQL 15 from Debian (images/postgres), the database behind the LMS candidates.",
    image: {
      docker: { recipe: { name: "sandbox/postgres", folder: "postgres" } },
    },
    ports: [{ name: "postgres", port: 5432, protocol: "tcp", expose: false }],
    env: { POSTGRES_USER: "postgres", POSTGRES_DB: "postgres" },
    health: { kind: "tcp", port: 5432 },
    resources: { cpu: 0.5, memoryMb: 512 },
    volumes: [{ name: "data", mountPath: "/var/lib/postgresql/data", purpose: "database files" }],
    install: { method: "none" },
    dependencyOnly: true,
  },
];
