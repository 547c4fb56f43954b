import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { demuxDockerLogs } from "../../../sandbox-cli/src/runtime/docker-logs.ts";
import { ensureImage } from "../../../sandbox-cli/src/runtime/images.ts";
import {
  type CreateSiteLinkArgs,
  createSiteLink,
  removeSiteLinks,
  type SandboxIdentity,
  SITE_GATEWAY_IMAGE,
  type SiteLink,
} from "../../../sandbox-cli/src/sites/index.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";

/** A throwaway "sandbox" for link tests: its own internal network and a probe server on it, all labelled. */
export interface LinkHarness {
  readonly identity: SandboxIdentity;
  readonly network: string;
  readonly fileServer: string;
  readonly imageTag: string;
  cleanup(): Promise<void>;
}

export const labelsOf = (identity: SandboxIdentity) => ({
  "sandbox.name": identity.name,
  "sandbox.owner": identity.owner,
  "sandbox.expires-at": identity.expiresAt,
});

/** `mediaDir` (a host folder) is served read-only by the probe server under /files/. */
export async function createLinkHarness(
  prefix: string,
  options: { mediaDir?: string } = {},
): Promise<LinkHarness> {
  const name = `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const identity = { name, owner: "vitest", expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
  const image = await ensureImage(SITE_GATEWAY_IMAGE, silentLogger);
  const network = `sandbox-${name}`;
  await docker().createNetwork({
    Name: network,
    Driver: "bridge",
    Internal: true,
    Labels: labelsOf(identity),
  });
  const fileServer = `sandbox-${name}-files`;
  const container = await docker().createContainer({
    name: fileServer,
    Image: image.tag,
    Cmd: ["serve", "--port", "8080", ...(options.mediaDir ? ["--root", "/media"] : [])],
    Labels: labelsOf(identity),
    HostConfig: {
      NetworkMode: network,
      ...(options.mediaDir ? { Binds: [`${options.mediaDir}:/media:ro`] } : {}),
    },
  });
  await container.start();
  await waitForLog(fileServer, "probe server ready");
  return {
    identity,
    network,
    fileServer,
    imageTag: image.tag,
    async cleanup() {
      await removeSiteLinks(name);
      const leftovers = await docker().listContainers({
        all: true,
        filters: { label: [`sandbox.name=${name}`] },
      });
      for (const info of leftovers) await docker().getContainer(info.Id).remove({ force: true, v: true });
      await docker().getNetwork(network).remove();
    },
  };
}

async function waitForLog(containerName: string, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const logs = (await docker().getContainer(containerName).logs({ stdout: true, stderr: true })).toString(
      "utf8",
    );
    if (logs.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${containerName} did not log "${text}" within ${timeoutMs} ms`);
}

/** Runs the probe client once in a container on `network` (a site network) and returns its JSON output. */
export async function runProbe<T>(harness: LinkHarness, network: string, args: string[]): Promise<T> {
  const container = await docker().createContainer({
    Image: harness.imageTag,
    Cmd: args,
    Labels: labelsOf(harness.identity),
    HostConfig: { NetworkMode: network },
  });
  try {
    await container.start();
    const exit = (await container.wait()) as { StatusCode: number };
    const output = demuxDockerLogs(
      await container.logs({ stdout: true, stderr: true, follow: false }),
    ).trim();
    if (exit.StatusCode !== 0)
      throw new Error(`probe ${args.join(" ")} exited ${exit.StatusCode}: ${output}`);
    try {
      return JSON.parse(output.split("\n").pop() ?? "") as T;
    } catch {
      throw new Error(`probe ${args.join(" ")} printed no JSON: ${output}`);
    }
  } finally {
    await container.remove({ force: true, v: true });
  }
}

/** `count` downloads of `url` at once from the site network, as the probe client's JSON result. */
export function fetchAtOnce(
  harness: LinkHarness,
  network: string,
  url: string,
  count: number,
): Promise<{ errors: number; bytes: number }> {
  const n = String(count);
  return runProbe(harness, network, [
    "transfer",
    "--url",
    url,
    "--count",
    n,
    "--concurrency",
    n,
    "--timeout-s",
    "60",
  ]);
}

/** A site link from the harness's sandbox network to `targets`, for one test file. */
export function harnessSiteLink(
  harness: LinkHarness,
  site: CreateSiteLinkArgs["site"],
  targets: CreateSiteLinkArgs["targets"],
): Promise<SiteLink> {
  return createSiteLink(
    { sandbox: harness.identity, site, sandboxNetwork: harness.network, targets },
    silentLogger,
  );
}
