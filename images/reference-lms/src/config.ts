import { z } from "zod";

/** Everything the server reads from its environment, validated once at start. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must look like postgres://user:password@host:5432/db"),
  DATA_DIR: z.string().default("/var/lib/reference-lms"),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  ADMIN_USER: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{1,64}$/)
    .optional(),
  ADMIN_PASSWORD: z.string().min(8, "ADMIN_PASSWORD needs at least 8 characters").optional(),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(8192).default(1024),
  XAPI_VALIDATION: z.enum(["on", "off"]).default("on"),
  SESSION_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 30)
    .default(12),
});

export type Config = {
  readonly port: number;
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly dbPoolMax: number;
  readonly admin?: { readonly username: string; readonly password: string };
  readonly maxUploadBytes: number;
  readonly sessionMs: number;
  /** false only for the validation-cost bench's baseline: statements are then stored unchecked. */
  readonly validateStatements: boolean;
};

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`reference-lms: bad environment: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  if (Boolean(e.ADMIN_USER) !== Boolean(e.ADMIN_PASSWORD)) {
    throw new Error("reference-lms: set both ADMIN_USER and ADMIN_PASSWORD, or neither");
  }
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    dbPoolMax: e.DB_POOL_MAX,
    ...(e.ADMIN_USER && e.ADMIN_PASSWORD
      ? { admin: { username: e.ADMIN_USER, password: e.ADMIN_PASSWORD } }
      : {}),
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    sessionMs: e.SESSION_HOURS * 3600_000,
    validateStatements: e.XAPI_VALIDATION === "on",
  };
}
