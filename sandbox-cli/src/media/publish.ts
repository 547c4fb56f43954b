import { stat } from "node:fs/promises";
import { posix } from "node:path";
import { pipeline } from "node:stream/promises";
import type Docker from "dockerode";
import { extract, pack } from "tar-fs";
import { infrastructureError, usageError } from "../errors.ts";
import { docker } from "../runtime/docker.ts";
import type { PodRef } from "../runtime/kube.ts";

export const DEFAULT_HELPER_IMAGE = "sandbox/base:bookworm";

export interface PublishResult {
  /** Where the folder's content now is, inside the container (or the volume's mount point). */
  path: string;
  files: number;
  bytes: number;
}

/** Checks an absolute container path and returns it normalised, without the trailing slash. */
export function checkContainerPath(path: string): string {
  if (!path.startsWith("/") || path.split("/").includes(".."))
    throw usageError(
      "PUBLISH_PATH_INVALID",
      `container path "${path}" must be absolute and must not contain ".."`,
      "pass an absolute path such as /srv/media/sox-essentials",
    );
  const normalised = posix.normalize(path).replace(/\/+$/, "");
  if (normalised === "")
    throw usageError(
      "PUBLISH_PATH_INVALID",
      "refusing to publish into the container's root folder",
      "pass a folder below the root, such as /srv/media/sox-essentials",
    );
  return normalised;
}

export async function requireFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory())
    throw usageError(
      "PUBLISH_SOURCE_MISSING",
      `the folder to publish, ${folder}, does not exist or is not a folder`,
      "package the media first (it writes the folder), then publish that folder",
    );
}

/**
 * `folder` as a tar stream whose entries sit under `prefix` (relative, "" for none). Owner root, files
 * 0644, folders 0755: readable by the server's worker user. `counted()` is final once the stream ended.
 */
export function packFolder(folder: string, prefix: string) {
  let files = 0;
  let bytes = 0;
  const archive = pack(folder, {
    map: (header) => {
      if (header.type === "file") {
        files++;
        bytes += header.size ?? 0;
      }
      return {
        ...header,
        name: prefix ? posix.join(prefix, header.name) : header.name,
        uid: 0,
        gid: 0,
        uname: "root",
        gname: "root",
        mode: header.type === "directory" ? 0o755 : 0o644,
      };
    },
  });
  return { archive, counted: () => ({ files, bytes }) };
}

/**
 * Streams `folder` as a tar whose entries sit under `targetPath` (relative to "/"), so the Engine
 * creates missing parents.
 */
async function putFolder(container: Docker.Container, folder: string, targetPath: string) {
  const { archive, counted } = packFolder(folder, targetPath.slice(1));
  // tar-stream's Pack is a Readable; its typings predate NodeJS.ReadableStream's current shape.
  await container.putArchive(archive as unknown as NodeJS.ReadableStream, { path: "/" });
  return { path: targetPath, ...counted() };
}

function dockerFailure(error: unknown, what: string, notFoundHint: string) {
  const status = (error as { statusCode?: number })?.statusCode;
  if (status === 404)
    return usageError("PUBLISH_TARGET_NOT_FOUND", `${what} does not exist`, notFoundHint, error);
  return infrastructureError(
    "PUBLISH_FAILED",
    `copying into ${what} failed: ${(error as Error)?.message ?? String(error)}`,
    "check the Docker Engine answers (`npx sandbox doctor`) and the disk has room",
    error,
  );
}

/** Copies `folder`'s content to `containerPath` inside a container (running or stopped), by name or id. */
export async function publishToContainer(args: {
  container: string;
  containerPath: string;
  folder: string;
}): Promise<PublishResult> {
  const targetPath = checkContainerPath(args.containerPath);
  await requireFolder(args.folder);
  const container = docker().getContainer(args.container);
  try {
    await container.inspect();
    return await putFolder(container, args.folder, targetPath);
  } catch (error) {
    throw dockerFailure(
      error,
      `container "${args.container}"`,
      "start the sandbox (`npx sandbox up`) and pass the media server's container name from `npx sandbox status`",
    );
  }
}

/**
 * Copies `folder`'s content into a docker volume (below `subPath`), through a short-lived container
 * that mounts the volume and is never started.
 */
export async function publishToVolume(args: {
  volume: string;
  folder: string;
  subPath?: string;
  helperImage?: string;
  labels?: Record<string, string>;
}): Promise<PublishResult> {
  const mountPoint = "/publish-target";
  const targetPath = checkContainerPath(posix.join(mountPoint, args.subPath ?? "."));
  await requireFolder(args.folder);
  try {
    await docker().getVolume(args.volume).inspect();
  } catch (error) {
    throw dockerFailure(
      error,
      `volume "${args.volume}"`,
      "start the sandbox (`npx sandbox up`), which creates the media volume, or pass an existing volume name",
    );
  }
  let helper: Docker.Container | undefined;
  try {
    helper = await docker().createContainer({
      Image: args.helperImage ?? DEFAULT_HELPER_IMAGE,
      Cmd: ["true"],
      Labels: { "sandbox.role": "media-publisher", ...args.labels },
      HostConfig: { Binds: [`${args.volume}:${mountPoint}`], NetworkMode: "none" },
    });
    const result = await putFolder(helper, args.folder, targetPath);
    return { ...result, path: posix.relative(mountPoint, targetPath) || "." };
  } catch (error) {
    throw dockerFailure(
      error,
      `volume "${args.volume}" (helper image ${args.helperImage ?? DEFAULT_HELPER_IMAGE})`,
      "run `npm run setup`, which builds the base image the copy helper uses",
    );
  } finally {
    await helper?.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** Paths (relative to `folder`) of files named `fileName` up to three folders below `folder` in a container. */
export async function findInContainer(
  container: string,
  folder: string,
  fileName: string,
): Promise<string[]> {
  const exec = await docker()
    .getContainer(container)
    .exec({
      Cmd: ["find", checkContainerPath(folder), "-maxdepth", "3", "-name", fileName],
      AttachStdout: true,
      AttachStderr: true,
    });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", resolve);
    stream.on("error", reject);
    setTimeout(resolve, 10_000);
  });
  // The attached stream is multiplexed (8-byte frame headers); paths are matched out of it.
  return foundPaths(Buffer.concat(chunks).toString("latin1"), folder, fileName);
}

/** Paths (relative to `folder`) of the files named `fileName` that `find folder` printed, at most 50. */
export function foundPaths(text: string, folder: string, fileName: string): string[] {
  const root = `${checkContainerPath(folder)}/`;
  return [...text.matchAll(/(\/[\w./-]+)/g)]
    .map((m) => m[1] ?? "")
    .filter((path) => path.startsWith(root) && path.endsWith(`/${fileName}`))
    .map((path) => path.slice(root.length))
    .slice(0, 50);
}

/** Copies a container folder into `dir` (as `dir/<folder's last name>`) and returns that path. */
export async function copyFromContainer(container: string, folder: string, dir: string): Promise<string> {
  const path = checkContainerPath(folder);
  const archive = await docker().getContainer(container).getArchive({ path });
  await pipeline(archive, extract(dir));
  return posix.join(dir, posix.basename(path));
}

/** How the CLI reaches a media server's files: the Engine API (docker), or exec + tar in its pod (kubernetes). */
export interface ServerFiles {
  /** copies `folder`'s content to `containerPath` (created with its parents). */
  put(folder: string, containerPath: string): Promise<PublishResult>;
  /** paths (relative to `folder`) of files named `fileName`, up to three folders down. */
  find(folder: string, fileName: string): Promise<string[]>;
  /** copies `folder` into `dir` (as `dir/<folder's last name>`); returns that path. */
  copyOut(folder: string, dir: string): Promise<string>;
}

/** The files of a candidate's server: its kubernetes pod when the view gave one, else its docker container. */
export async function serverFiles(target: {
  readonly container: string;
  readonly pod?: PodRef | undefined;
}): Promise<ServerFiles> {
  if (target.pod) return (await import("./pod-files.ts")).podFiles(target.pod);
  const { container } = target;
  return {
    put: (folder, containerPath) => publishToContainer({ container, containerPath, folder }),
    find: (folder, fileName) => findInContainer(container, folder, fileName),
    copyOut: (folder, dir) => copyFromContainer(container, folder, dir),
  };
}
