/** Exit codes shared by every command (see ARCHITECTURE.md, "Contracts"). */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  missingTool: 3,
  infrastructure: 4,
  promoteWithConditions: 5,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the user can act on: `code` is stable, `hint` says how to fix it. */
export class SandboxError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly exitCode: ExitCodeValue;

  constructor(args: {
    code: string;
    message: string;
    hint: string;
    exitCode: ExitCodeValue;
    cause?: unknown;
  }) {
    super(args.message, args.cause === undefined ? undefined : { cause: args.cause });
    this.name = "SandboxError";
    this.code = args.code;
    this.hint = args.hint;
    this.exitCode = args.exitCode;
  }
}

export const usageError = (code: string, message: string, hint: string, cause?: unknown) =>
  new SandboxError({ code, message, hint, exitCode: ExitCode.usage, cause });

export const missingToolError = (code: string, message: string, hint: string, cause?: unknown) =>
  new SandboxError({ code, message, hint, exitCode: ExitCode.missingTool, cause });

export const infrastructureError = (code: string, message: string, hint: string, cause?: unknown) =>
  new SandboxError({ code, message, hint, exitCode: ExitCode.infrastructure, cause });

export const checkFailedError = (code: string, message: string, hint: string, cause?: unknown) =>
  new SandboxError({ code, message, hint, exitCode: ExitCode.checkFailed, cause });

export function isSandboxError(error: unknown): error is SandboxError {
  return error instanceof SandboxError;
}
