import { finding } from "./findings.ts";
import type { ExternalHost, Finding } from "./profile.ts";
import type { ExternalUrl } from "./references.ts";

/**
 * Hosts whose URLs are identifiers (XML namespaces, xAPI verbs and activity types, licences in
 * schema files), not addresses a browser fetches. Listing them would drown the real ones.
 */
export const identifierHosts = new Set([
  "www.w3.org",
  "w3.org",
  "w3id.org",
  "adlnet.gov",
  "www.adlnet.gov",
  "www.adlnet.org",
  "activitystrea.ms",
  "id.tincanapi.com",
  "purl.org",
  "xmlns.com",
  "schemas.xmlsoap.org",
  "ns.adobe.com",
  "www.imsglobal.org",
  "www.imsproject.org",
  "projecttincan.com",
  "ltsc.ieee.org",
  // event-message scheme ids in media players (hls.js: "https://aomedia.org/emsg/ID3")
  "aomedia.org",
]);

const MAX_EXAMPLES = 3;

/** Groups absolute URLs by host (identifier hosts left out); one finding per host, plain http flagged. */
export function groupExternalHosts(urls: readonly ExternalUrl[]): {
  hosts: ExternalHost[];
  findings: Finding[];
} {
  const byHost = new Map<string, ExternalHost>();
  for (const { url, path } of urls) {
    const host = url.host.toLowerCase();
    if (!host || identifierHosts.has(host) || host === "localhost" || host === "127.0.0.1") continue;
    // "https://ssl" + ".google-analytics.com" style concatenations leave a dotless fragment, not a host
    if (!host.includes(".") && !host.startsWith("[")) continue;
    let entry = byHost.get(host);
    if (!entry) {
      entry = { host, plainHttp: false, references: 0, examples: [] };
      byHost.set(host, entry);
    }
    entry.references += 1;
    if (url.protocol === "http:") entry.plainHttp = true;
    if (entry.examples.length < MAX_EXAMPLES && !entry.examples.some((example) => example.url === url.href))
      entry.examples.push({ path, url: url.href });
  }
  const hosts = [...byHost.values()].sort(
    (a, b) => b.references - a.references || a.host.localeCompare(b.host),
  );
  const findings = hosts.map((host) => {
    const first = host.examples[0];
    const where = first ? ` (for example ${first.url} in ${first.path})` : "";
    return host.plainHttp
      ? finding(
          "EXTERNAL_HTTP",
          `the course reaches ${host.host} over plain http, ${host.references} reference(s)${where}; learners' browsers need that host, and the traffic is unencrypted`,
          { path: first?.path },
        )
      : finding(
          "EXTERNAL_HOST",
          `the course reaches ${host.host}, ${host.references} reference(s)${where}; learners' browsers need that host to be reachable`,
          { path: first?.path },
        );
  });
  return { hosts, findings };
}
