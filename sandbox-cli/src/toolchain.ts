/** Pinned versions of the external tools the sandbox drives. Bump here, nowhere else. */
export const PULUMI_VERSION = "3.248.0";
/** The Go toolchain must be at least this to build the pinned Pulumi CLI (its go.mod says so). */
export const MIN_GO_VERSION = "1.25";
export const MIN_NODE_VERSION = "20.19.0";
export const BASE_IMAGE = "sandbox/base:bookworm";
export const MIN_FREE_DISK_GB = 5;
/** Debian packages the setup installs when their program is missing: program -> package. */
export const DEBIAN_PROGRAMS: Readonly<Record<string, string>> = {
  dockerd: "docker.io",
  debootstrap: "debootstrap",
  ffmpeg: "ffmpeg",
  ffprobe: "ffmpeg",
  chromium: "chromium",
  zsh: "zsh",
};
