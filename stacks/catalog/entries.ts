import type { CatalogEntryInput } from "./schema.ts";

/**
 * The candidates a sandbox can run, as data. Docker images come from `images/<folder>` recipes built
 * locally FROM sandbox/base:bookworm; entries whose docker image is a plain reference (Moodle) need that
 * image loaded into the local Engine first, since no registry is reachable from the sandbox machines.
 */
export const catalogEntries: readonly CatalogEntryInput[] = [
  {
    id: "reference-lms",
    title: "Reference LMS",
    kind: "lms",
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
    id: "moodle",
    title: "Moodle 4.5 LTS",
    kind: "lms",
    description:
      "Moodle 4.5 (LTS) on PHP + Apache with PostgreSQL, a cron worker and a moodledata volume. Registry image: load it into the local Engine before `sandbox up` on the docker target.",
    image: {
      docker: { reference: "docker.io/bitnami/moodle:4.5" },
      kubernetes: "docker.io/bitnami/moodle:4.5",
    },
    ports: [{ name: "http", port: 8080, protocol: "http", expose: true }],
    env: {
      MOODLE_DATABASE_TYPE: "pgsql",
      MOODLE_DATABASE_HOST: "{{dep:database.host}}",
      MOODLE_DATABASE_PORT_NUMBER: "{{dep:database.port}}",
      MOODLE_DATABASE_NAME: "moodle",
      MOODLE_DATABASE_USER: "moodle",
      MOODLE_DATABASE_PASSWORD: "{{secret:dbPassword}}",
      MOODLE_USERNAME: "admin",
      MOODLE_PASSWORD: "{{secret:adminPassword}}",
      MOODLE_EMAIL: "admin@sandbox.invalid",
      MOODLE_SITE_NAME: "elearning-sandbox",
      MOODLE_HOST: "{{self.host}}",
      MOODLE_SKIP_BOOTSTRAP: "no",
    },
    health: { kind: "http", path: "/login/index.php", port: 8080 },
    resources: { cpu: 1, memoryMb: 1024 },
    volumes: [
      { name: "moodle", mountPath: "/bitnami/moodle", purpose: "Moodle code and config.php" },
      {
        name: "moodledata",
        mountPath: "/bitnami/moodledata",
        purpose: "moodledata: files, caches, SCORM packages",
      },
    ],
    secrets: [{ name: "dbPassword" }, { name: "adminPassword" }],
    dependencies: [
      {
        role: "database",
        catalog: "postgres",
        env: { POSTGRES_USER: "moodle", POSTGRES_DB: "moodle", POSTGRES_PASSWORD: "{{secret:dbPassword}}" },
      },
    ],
    workers: [
      {
        role: "cron",
        command: ["sh", "-c", "while true; do php /opt/bitnami/moodle/admin/cli/cron.php; sleep 60; done"],
        resources: { cpu: 0.25, memoryMb: 256 },
      },
    ],
    install: {
      method: "moodle-cli",
      script: "admin/tool/uploadcourse/cli/uploadcourse.php",
      workDir: "/opt/bitnami/moodle",
    },
  },
  {
    id: "media-nginx",
    title: "HLS media server (nginx)",
    kind: "media",
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
