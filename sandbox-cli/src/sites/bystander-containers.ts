import { z } from "zod";
import { infrastructureError } from "../errors.ts";
import { docker } from "../runtime/docker.ts";
import { demuxDockerLogs } from "../runtime/docker-logs.ts";
import { ensureImage } from "../runtime/images.ts";
import type { Logger } from "../util/log.ts";
import { waitForLog } from "./docker-lookups.ts";
import { type SandboxIdentity, SITE_GATEWAY_IMAGE, type SiteTarget, siteLabels } from "./plan.ts";

/**
 * The bystander's two halves as containers of the site-gateway image: the service inside the sandbox
 * network (`serve`: /ping and /bytes/N, a small request/response application) and, per probe, the
 * client at the site (`bystander`), which reaches the service through the site's gateway.
 */

export const BYSTANDER_TARGET = "bystander";
const SERVICE_PORT = 8080;
/** the client is stopped by the CLI; this is its own bound in case the CLI dies first. */
const CLIENT_MAX_S = 900;
const BYSTANDER_NOT_READY = {
  code: "BYSTANDER_NOT_READY",
  hint: "see `docker logs` of the container; `npx sandbox doctor` checks the site-gateway image",
};

export const bystanderServiceName = (sandbox: string, site: string) =>
  `sandbox-${sandbox}-site-${site}-bystander`;

export const bystanderSampleSchema = z.object({
  flow: z.enum(["request", "interactive"]),
  t: z.number(),
  ms: z.number(),
  ok: z.boolean(),
});
export type BystanderSample = z.infer<typeof bystanderSampleSchema>;
const clientOutputSchema = z.object({ samples: z.array(bystanderSampleSchema) });

/** Starts the bystander service on the sandbox network; returns the target the site link must route. */
export async function startBystanderService(
  identity: SandboxIdentity,
  site: string,
  sandboxNetwork: string,
  log: Logger,
): Promise<SiteTarget> {
  const image = await ensureImage(SITE_GATEWAY_IMAGE, log);
  const name = bystanderServiceName(identity.name, site);
  const container = await docker().createContainer({
    name,
    Image: image.tag,
    Cmd: ["serve", "--port", String(SERVICE_PORT)],
    Labels: siteLabels(identity, site, "site-bystander"),
    HostConfig: { NetworkMode: sandboxNetwork, Memory: 128 * 1024 * 1024, RestartPolicy: { Name: "no" } },
  });
  await container.start();
  await waitForLog(container, "probe server ready", name, BYSTANDER_NOT_READY);
  return { name: BYSTANDER_TARGET, host: name, port: SERVICE_PORT };
}

export interface BystanderClient {
  /** stops the client (SIGTERM) and returns every sample it took. */
  stop(): Promise<BystanderSample[]>;
}

/** Starts the bystander client on the site network, aimed at `url` (the service through the gateway). */
export async function startBystanderClient(
  identity: SandboxIdentity,
  site: string,
  siteNetwork: string,
  url: string,
  log: Logger,
): Promise<BystanderClient> {
  const image = await ensureImage(SITE_GATEWAY_IMAGE, log);
  const container = await docker().createContainer({
    Image: image.tag,
    Cmd: ["bystander", "--url", url, "--max-s", String(CLIENT_MAX_S)],
    Labels: siteLabels(identity, site, "site-bystander"),
    HostConfig: { NetworkMode: siteNetwork, Memory: 128 * 1024 * 1024 },
  });
  try {
    await container.start();
    await waitForLog(container, "bystander running", `bystander client at ${site}`, BYSTANDER_NOT_READY);
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw error;
  }
  return {
    async stop() {
      try {
        await container.stop({ t: 20 }).catch(() => undefined);
        const raw = (await container.logs({ stdout: true, stderr: false })) as unknown as Buffer;
        const last = demuxDockerLogs(raw).trim().split("\n").pop() ?? "";
        const parsed = clientOutputSchema.safeParse(safeJson(last));
        if (!parsed.success)
          throw infrastructureError(
            "BYSTANDER_NO_RESULT",
            `the bystander client at site ${site} printed no result`,
            "re-run; if it persists, check the site-gateway image (`npx sandbox doctor`)",
          );
        return parsed.data.samples;
      } finally {
        await container.remove({ force: true, v: true }).catch(() => undefined);
      }
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
