import { z } from "zod";
import { usageError } from "../errors.ts";
import { loadSpecFile } from "../sandbox-spec/index.ts";

const nameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/);

/** The sandbox a command acts on: `--name N`, else the `name` in `--spec F` (default sandbox.yaml). */
export async function sandboxNameFrom(options: { spec?: string; name?: string }): Promise<string> {
  if (options.spec && options.name) {
    throw usageError(
      "SANDBOX_NAME_AND_SPEC",
      "--spec and --name both name a sandbox",
      "pass only one of them",
    );
  }
  if (options.name !== undefined) {
    if (!nameSchema.safeParse(options.name).success) {
      throw usageError(
        "SANDBOX_BAD_NAME",
        `--name "${options.name}" is not a sandbox name`,
        "use the `name` from sandbox.yaml (2-40 of a-z, 0-9, '-'); `sandbox list` shows them",
      );
    }
    return options.name;
  }
  return (await loadSpecFile(options.spec ?? "sandbox.yaml")).spec.name;
}

export const notFoundError = (name: string) =>
  usageError(
    "SANDBOX_NOT_FOUND",
    `no sandbox named ${name} exists on this machine`,
    "run `sandbox up --spec FILE` first; `sandbox list` shows the sandboxes that exist",
  );

/** "3d 4h", "2h 5m", "42s": ages and remaining lifetimes in tables. */
export function formatAge(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}
