import { z } from "zod";

/** Lower-case DNS label: instance names, port names, volume names and roles become hostnames and object names. */
export const catalogLabel = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
    "must be 2-40 characters of a-z, 0-9 and '-', starting with a letter",
  );

/**
 * Where a candidate's image comes from on each target. Docker builds `images/<folder>` locally
 * (no registry is reachable) or uses an image reference that must already be in the local Engine;
 * Kubernetes pulls the recipe's image from the spec's registry, or the `kubernetes` reference.
 */
export const imageSchema = z
  .strictObject({
    docker: z.union([
      z.strictObject({ recipe: z.strictObject({ name: z.string().min(1), folder: z.string().min(1) }) }),
      z.strictObject({ reference: z.string().min(1) }),
    ]),
    /** only for images without a recipe: a recipe is pushed to the spec's `target.registry`. */
    kubernetes: z.string().min(1).optional(),
  })
  .refine((image) => "recipe" in image.docker || image.kubernetes !== undefined, {
    message: "an image without a recipe needs a kubernetes reference",
  });

export const portSchema = z.strictObject({
  name: catalogLabel,
  port: z.number().int().min(1).max(65_535),
  protocol: z.enum(["http", "tcp"]).default("http"),
  /** published to the user (docker: on 127.0.0.1 through the edge; kubernetes: through the ingress). */
  expose: z.boolean().default(false),
});

/** How a target knows the candidate is ready: an HTTP GET answering `expectStatus`, or a TCP connect. */
export const healthSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("http"),
    path: z.string().startsWith("/"),
    port: z.number().int().min(1).max(65_535),
    expectStatus: z.number().int().min(100).max(599).default(200),
  }),
  z.strictObject({ kind: z.literal("tcp"), port: z.number().int().min(1).max(65_535) }),
]);

export const resourcesSchema = z.strictObject({
  /** CPU limit in cores (0.25 = a quarter of a core). */
  cpu: z.number().gt(0).max(64),
  memoryMb: z.number().int().min(16).max(262_144),
});

export const volumeSchema = z.strictObject({
  name: catalogLabel,
  mountPath: z.string().startsWith("/"),
  /** what lives there, for people reading `sandbox status`. */
  purpose: z.string().min(1),
});

/** A generated value (password) kept as a Pulumi secret; env values reference it as `{{secret:NAME}}`. */
export const secretSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, "must be letters and digits, starting with a letter"),
  length: z.number().int().min(12).max(128).default(24),
});

/**
 * Another catalog entry the candidate needs (e.g. PostgreSQL), started beside it as instance
 * `<candidate>-<role>`; `env` overrides the dependency's own env (and may reference the parent's secrets).
 */
export const dependencySchema = z.strictObject({
  role: catalogLabel,
  catalog: z.string().min(1),
  env: z.record(z.string(), z.string()).default({}),
});

/** A second process from the candidate's own image (e.g. a cron worker), sharing its volumes. */
export const workerSchema = z.strictObject({
  role: catalogLabel,
  command: z.array(z.string().min(1)).min(1),
  resources: resourcesSchema,
});

export const installSchema = z.discriminatedUnion("method", [
  /** the reference LMS: upload the course zip to its import API as the admin user. */
  z.strictObject({
    method: z.literal("reference-lms-api"),
    importPath: z.string().startsWith("/"),
    adminUserEnv: z.string().min(1),
    adminPasswordSecret: z.string().min(1),
  }),
  /** the media server: HLS renditions are copied into a volume it serves. */
  z.strictObject({
    method: z.literal("publish-media"),
    volume: catalogLabel,
    urlPrefix: z.string().startsWith("/"),
  }),
  /** not a course host (databases). */
  z.strictObject({ method: z.literal("none") }),
]);

export const catalogEntrySchema = z.strictObject({
  id: catalogLabel,
  title: z.string().min(1),
  kind: z.enum(["lms", "media", "database"]),
  /** the adapter file sandbox-cli/src/candidates/<kind>/<adapter>.ts (every lms and media entry has one). */
  adapter: catalogLabel.optional(),
  description: z.string().min(1),
  image: imageSchema,
  /** overrides the image's command (arguments after the entrypoint). */
  command: z.array(z.string()).optional(),
  ports: z.array(portSchema).min(1),
  /** values may use `{{secret:NAME}}`, `{{dep:ROLE.host}}`, `{{dep:ROLE.port}}`, `{{self.host}}`, `{{self.url}}`. */
  env: z.record(z.string(), z.string()).default({}),
  health: healthSchema,
  resources: resourcesSchema,
  volumes: z.array(volumeSchema).default([]),
  secrets: z.array(secretSchema).default([]),
  dependencies: z.array(dependencySchema).default([]),
  workers: z.array(workerSchema).default([]),
  install: installSchema,
  /** a database or helper only ever started as another entry's dependency. */
  dependencyOnly: z.boolean().default(false),
});

export type CatalogEntryInput = z.input<typeof catalogEntrySchema>;
export type CatalogEntry = z.output<typeof catalogEntrySchema>;
export type CatalogPort = z.output<typeof portSchema>;
export type CatalogVolume = z.output<typeof volumeSchema>;
export type CatalogResources = z.output<typeof resourcesSchema>;
export type CatalogHealth = z.output<typeof healthSchema>;
export type CatalogInstall = z.output<typeof installSchema>;
export type CandidateKind = CatalogEntry["kind"];
