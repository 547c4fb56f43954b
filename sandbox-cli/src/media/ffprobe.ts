import { runProgram } from "../util/exec.ts";

/**
 * The one ffprobe wrapper: ffprobe's JSON (every stream and the container format) of `input`, a path or
 * an ffmpeg URL; callers check the shape they read (it is another program's output).
 */
export async function ffprobe(
  input: string,
  options: { readonly timeoutMs?: number; readonly failureHint?: string } = {},
): Promise<unknown> {
  const { stdout } = await runProgram(
    "ffprobe",
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", input],
    {
      timeout: options.timeoutMs ?? 60_000,
      installHint: "run `npm run setup` (it installs ffmpeg), then `npx sandbox doctor`",
      ...(options.failureHint ? { failureHint: options.failureHint } : {}),
    },
  );
  return JSON.parse(stdout) as unknown;
}
