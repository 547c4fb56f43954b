import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface DebianMirrors {
  main: string;
  security?: string;
}

const FALLBACK: DebianMirrors = { main: "http://deb.debian.org/debian" };

/** Reads the mirrors apt already uses here, from deb822 `.sources` files or one-line `sources.list`. */
export function parseDebianMirrors(texts: readonly string[]): DebianMirrors {
  let main: string | undefined;
  let security: string | undefined;
  for (const text of texts) {
    for (const { uri, suites } of sourceEntries(text)) {
      if (!/debian/.test(uri)) continue;
      if (suites.some((s) => s.endsWith("-security"))) security ??= uri;
      else if (suites.some((s) => /^bookworm(-updates)?$/.test(s))) main ??= uri;
    }
  }
  return main ? { main, ...(security ? { security } : {}) } : FALLBACK;
}

function sourceEntries(text: string): { uri: string; suites: string[] }[] {
  const entries: { uri: string; suites: string[] }[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const uris = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
    const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1];
    if (uris && suites) entries.push({ uri: uris.replace(/\/$/, ""), suites: suites.trim().split(/\s+/) });
  }
  for (const line of text.split("\n")) {
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
    if (match?.[1] && match[2]) entries.push({ uri: match[1].replace(/\/$/, ""), suites: [match[2]] });
  }
  return entries;
}

export function readDebianMirrors(root = "/etc/apt"): DebianMirrors {
  const files: string[] = [];
  if (existsSync(join(root, "sources.list"))) files.push(join(root, "sources.list"));
  const dir = join(root, "sources.list.d");
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith(".sources") || name.endsWith(".list")) files.push(join(dir, name));
    }
  }
  return parseDebianMirrors(files.map((file) => readFileSync(file, "utf8")));
}
