import type { CatalogEntry } from "../../../../stacks/catalog/index.ts";
import { infrastructureError } from "../../errors.ts";
import { serverFiles } from "../../media/publish.ts";
import { httpHealthy } from "../health.ts";
import type { CandidateMetrics, MediaAdapter } from "../types.ts";

/** The content folder and URL prefix of a `publish-media` catalog entry (its volume's mount path). */
function location(entry: CatalogEntry) {
  const install = entry.install;
  const volume =
    install.method === "publish-media" ? entry.volumes.find((v) => v.name === install.volume) : undefined;
  if (install.method !== "publish-media" || !volume)
    throw infrastructureError(
      "CATALOG_MEDIA_LOCATION",
      `catalog entry ${entry.id} names no content volume to publish into`,
      "give it `install: { method: publish-media, volume, urlPrefix }` and that volume",
    );
  return { contentPath: volume.mountPath, urlPrefix: install.urlPrefix };
}

/**
 * A media server that serves HLS files from a folder (nginx, Caddy, Apache httpd): published folders are
 * copied into its content volume (docker container or kubernetes pod: media/publish.ts `serverFiles`)
 * and served under the catalog's URL prefix. Servers differ in their
 * image and config, not in how a course's video gets onto them.
 */
export function staticHlsServer(name: string, metrics: CandidateMetrics = {}): MediaAdapter {
  return {
    kind: "media",
    name,
    metrics,
    location,
    healthy: (target, entry) => httpHealthy(target, entry.health),
    async publish({ target, entry, folder, slug }) {
      const { contentPath, urlPrefix } = location(entry);
      await (await serverFiles(target)).put(folder, `${contentPath}/${slug}`);
      return `${target.loopbackUrl.replace(/\/$/, "")}${urlPrefix}${slug}/master.m3u8`;
    },
    async masters(target, entry) {
      const { contentPath, urlPrefix } = location(entry);
      const found = await (await serverFiles(target)).find(contentPath, "master.m3u8");
      return found.map((path) => `${urlPrefix}${path}`);
    },
    download: async (target, entry, dir) =>
      (await serverFiles(target)).copyOut(location(entry).contentPath, dir),
  };
}
