import { z } from "zod";
import { parseHostPort } from "../../../loadtests/lib/interlock.ts";
import { usageError } from "../errors.ts";
import { parseDuration } from "../sandbox-spec/index.ts";

/** `sandbox loadtest` flags as commander hands them over (all text). */
export interface LoadtestFlags {
  spec?: string;
  learners?: string;
  ramp?: string;
  duration?: string;
  runners?: string;
  site?: string;
  mode?: string;
  course?: string;
  targetUrl?: string;
  iOwnThisTarget?: boolean;
  findCapacity?: boolean;
  rendition?: string;
  allowHost?: string[];
  script?: string;
  env?: string[];
  out?: string[];
  summaryExport?: string;
  json?: boolean;
}

const wholeNumber = (flag: string) =>
  z.string().regex(/^\d+$/, `${flag} must be a whole number, e.g. ${flag} 20`).transform(Number);
const duration = (flag: string) =>
  z.string().transform((text, ctx) => {
    const seconds = parseDuration(text);
    if (seconds === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${flag} "${text}" is not a duration: write e.g. ${flag} 90s, 5m`,
      });
      return z.NEVER;
    }
    return seconds;
  });

const flagsSchema = z.object({
  spec: z.string().default("sandbox.yaml"),
  learners: wholeNumber("--learners").optional(),
  ramp: duration("--ramp").optional(),
  duration: duration("--duration").optional(),
  runners: wholeNumber("--runners").optional(),
  site: z.string().optional(),
  mode: z
    .enum(["local", "containers", "jobs"], { message: "--mode must be local, containers or jobs" })
    .optional(),
  course: z.string().optional(),
  targetUrl: z.url({ message: "--target-url must be a full URL, e.g. http://127.0.0.1:8080" }).optional(),
  iOwnThisTarget: z.boolean().optional(),
  findCapacity: z.boolean().optional(),
  rendition: z.string().min(1).optional(),
  allowHost: z
    .array(
      z.string().transform((text, ctx) => {
        try {
          return parseHostPort(text);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: `--allow-host ${(error as Error).message}` });
          return z.NEVER;
        }
      }),
    )
    .optional(),
  script: z
    .string()
    .regex(
      /\.(ts|js|mjs)$/,
      "--script must name a .ts or .js file, e.g. --script loadtests/scenarios/smoke.ts",
    )
    .optional(),
  env: z.array(z.string()).optional(),
  out: z.array(z.string()).optional(),
  summaryExport: z.string().min(1).optional(),
  json: z.boolean().optional(),
});
export type LoadtestOptions = z.output<typeof flagsSchema>;

export function parseLoadtestFlags(flags: LoadtestFlags): LoadtestOptions {
  const parsed = flagsSchema.safeParse(flags);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw usageError(
      "LOAD_BAD_FLAG",
      first?.message ?? "bad flags",
      "run `sandbox loadtest --help` for the flags and examples",
    );
  }
  const scriptOnly = (["env", "out", "summaryExport"] as const).find((k) => parsed.data[k] !== undefined);
  if (scriptOnly && !parsed.data.script) {
    throw usageError(
      "LOAD_BAD_FLAG",
      `--${scriptOnly === "summaryExport" ? "summary-export" : scriptOnly} applies to a --script run, and no --script was given`,
      "add --script FILE.ts, or leave it out",
    );
  }
  if (parsed.data.iOwnThisTarget && !parsed.data.targetUrl) {
    throw usageError(
      "LOAD_BAD_FLAG",
      "--i-own-this-target confirms a --target-url, and none was given",
      "pass --target-url URL with it, or leave both out to load the sandbox",
    );
  }
  if (parsed.data.findCapacity && !parsed.data.site) {
    throw usageError(
      "LOAD_FIND_CAPACITY_NEEDS_SITE",
      "--find-capacity needs --site NAME",
      "pass the site of the spec to measure, e.g. --site branch",
    );
  }
  if (parsed.data.rendition !== undefined && !parsed.data.findCapacity) {
    throw usageError(
      "LOAD_BAD_FLAG",
      "--rendition pins the rendition of a capacity search, and --find-capacity was not given",
      "add --find-capacity --site NAME, or leave --rendition out",
    );
  }
  return parsed.data;
}
