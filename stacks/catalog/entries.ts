import type { CatalogEntryInput } from "./schema.ts";

/**
 * The candidates a sandbox can run, as data. Docker images come from `images/<folder>` recipes built
 * locally FROM sandbox/base:bookworm (no registry is reachable from the sandbox machines); `adapter`
 * names the file under sandbox-cli/src/candidates/<kind>/ that knows how to install into it and load it.
 */
/**
 * A media server that serves HLS files from a content volume: image `images/<id>/` (built here), port
 * 8080 (exposed), `GET /healthz`, half a core and 128 MB, the volume at /srv/media served under /media/.
 */
function hlsFileServer(entry: { id: string; adapter: string; title: string; description: string }) {
  return {
    ...entry,
    kind: "media",
    image: {
      docker: { recipe: { name: `sandbox/${entry.id}`, folder: entry.id } },
    },
    ports: [{ name: "http", port: 8080, protocol: "http", expose: true }],
    health: { kind: "http", path: "/healthz", port: 8080 },
    resources: { cpu: 0.5, memoryMb: 128 },
    volumes: [{ name: "content", mountPath: "/srv/media", purpose: "published HLS renditions" }],
    install: { method: "publish-media", volume: "content", urlPrefix: "/media/" },
  } satisfies CatalogEntryInput;
}

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
  hlsFileServer({
    id: "media-nginx",
    adapter: "nginx",
    title: "HLS media server (nginx)",
    description:
      "nginx from Debian serving HLS (m3u8 + ts) with CORS, correct MIME types and range requests, from a content volume the course video is published into.",
  }),
  hlsFileServer({
    id: "media-caddy",
    adapter: "caddy",
    title: "HLS media server (Caddy)",
    description:
      "Caddy v2 (built here from its Go module) serving HLS (m3u8 + ts) with CORS, correct MIME types and range requests, from a content volume the course video is published into.",
  }),
  hlsFileServer({
    id: "media-httpd",
    adapter: "httpd",
    title: "HLS media server (Apache httpd)",
    description:
      "Apache httpd 2.4 from Debian (event MPM) serving HLS (m3u8 + ts) with CORS, correct MIME types and range requests, from a content volume the course video is published into.",
  }),
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
