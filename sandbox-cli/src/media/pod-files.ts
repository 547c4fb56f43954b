/**
 * A media server's files in its kubernetes pod, through exec over the API server: tar into the content
 * volume (the pod runs as UID 10001, the volume is writable by it), `find` for the masters, tar back out.
 */
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract } from "tar-fs";
import type { PodRef } from "../runtime/kube.ts";
import { execInPod } from "../runtime/kube-exec.ts";
import { checkContainerPath, foundPaths, packFolder, requireFolder, type ServerFiles } from "./publish.ts";

/** Creates the folder and unpacks the tar read from stdin into it, as the pod's own user. */
const UNPACK = 'mkdir -p "$1" && exec tar -xf - -C "$1" --no-same-owner --no-same-permissions';

export function podFiles(ref: PodRef): ServerFiles {
  return {
    async put(folder, containerPath) {
      const target = checkContainerPath(containerPath);
      await requireFolder(folder);
      const { archive, counted } = packFolder(folder, "");
      // tar-stream's Pack is a Readable; its typings predate Readable's current shape.
      await execInPod(ref, ["sh", "-c", UNPACK, "sh", target], { stdin: archive as unknown as Readable });
      return { path: target, ...counted() };
    },
    async find(folder, fileName) {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on("data", (chunk: Buffer) => chunks.push(chunk));
      await execInPod(ref, ["find", checkContainerPath(folder), "-maxdepth", "3", "-name", fileName], {
        stdout: out,
        timeoutMs: 30_000,
      });
      return foundPaths(Buffer.concat(chunks).toString("utf8"), folder, fileName);
    },
    async copyOut(folder, dir) {
      const path = checkContainerPath(folder);
      const slash = path.lastIndexOf("/");
      const parent = path.slice(0, slash) || "/";
      const name = path.slice(slash + 1);
      const stream = new PassThrough();
      const unpacked = pipeline(stream, extract(dir));
      await Promise.all([
        execInPod(ref, ["tar", "-cf", "-", "-C", parent, name], { stdout: stream }),
        unpacked,
      ]);
      return `${dir.replace(/\/$/, "")}/${name}`;
    },
  };
}
