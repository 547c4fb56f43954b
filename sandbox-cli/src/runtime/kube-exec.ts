/** A command in a pod's container through the API server (client-node's Exec, as `kubectl exec` does). */
import { PassThrough, type Readable, type Writable } from "node:stream";
import { Exec, type V1Status } from "@kubernetes/client-node";
import { infrastructureError } from "../errors.ts";
import { kubeAt, type PodRef } from "./kube.ts";

export interface ExecResult {
  readonly stderr: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** The exit code a Failure status carries (details.causes ExitCode), when it carries one. */
export function exitCodeOf(status: V1Status): number | undefined {
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  return cause?.message === undefined ? undefined : Number(cause.message);
}

/**
 * Runs `command` in the pod's container, feeding `stdin` (its end closes the command's input) and
 * writing its output to `stdout`; resolves when the command ends with status Success, else throws
 * KUBE_EXEC_FAILED with the command's stderr.
 */
export async function execInPod(
  ref: PodRef,
  command: readonly string[],
  io: { readonly stdin?: Readable; readonly stdout?: Writable; readonly timeoutMs?: number } = {},
): Promise<ExecResult> {
  const { config } = kubeAt(ref);
  const stderrChunks: Buffer[] = [];
  const stderr = new PassThrough();
  stderr.on("data", (chunk: Buffer) => stderrChunks.push(chunk));
  const stdout = io.stdout ?? new PassThrough().resume();
  const where = `${ref.namespace}/${ref.pod} (${ref.container})`;
  const failed = (message: string, cause?: unknown) =>
    infrastructureError(
      "KUBE_EXEC_FAILED",
      `\`${command.join(" ")}\` in pod ${where} failed: ${message}`,
      "check that the pod is Ready (`sandbox status`) and that its image has the command",
      cause,
    );
  const status = await new Promise<V1Status>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(failed(`no end after ${io.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
      io.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    const done = (value: V1Status) => {
      clearTimeout(timer);
      resolve(value);
    };
    new Exec(config)
      .exec(
        ref.namespace,
        ref.pod,
        ref.container,
        [...command],
        stdout,
        stderr,
        io.stdin ?? null,
        false,
        done,
      )
      .then(
        (ws) => {
          // a stream closed without a status (an older protocol, or the pod went away) is a failure
          ws.on("close", () =>
            setTimeout(() => done({ status: "Failure", message: "the stream closed without a status" }), 200),
          );
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(failed((error as Error)?.message ?? String(error), error));
        },
      );
  });
  const errText = Buffer.concat(stderrChunks).toString("utf8").trim();
  if (status.status !== "Success") {
    const code = exitCodeOf(status);
    throw failed(
      `${code === undefined ? (status.message ?? "no status") : `exit ${code}`}${errText ? `: ${errText.slice(0, 500)}` : ""}`,
    );
  }
  return { stderr: errText };
}
