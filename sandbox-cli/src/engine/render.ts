import { formatAge } from "./select.ts";
import type { SandboxStatus, SandboxSummary } from "./status.ts";

const table = (rows: string[][]) => {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
};

/** Pure: the human view of `sandbox status` (and the end of `sandbox up`). */
export function renderStatus(status: SandboxStatus): string {
  const head = `sandbox ${status.name} (owner ${status.owner}, ${status.state}${status.healthy ? ", healthy" : ""}, expires ${status.expiresAt}${status.expired ? ", EXPIRED" : ""})`;
  const rows = [["CANDIDATE", "KIND", "URL", "ROLE", "CONTAINER", "HOSTNAME", "STATE"]];
  for (const candidate of status.candidates) {
    candidate.instances.forEach((instance, index) => {
      rows.push([
        index === 0 ? candidate.name : "",
        index === 0 ? candidate.kind : "",
        index === 0 ? (candidate.url ?? "-") : "",
        instance.role,
        instance.container,
        instance.hostname,
        instance.health ? `${instance.state} (${instance.health})` : instance.state,
      ]);
    });
  }
  if (status.edge) rows.push(["edge", "", "", "edge", status.edge.container, "edge", status.edge.state]);
  return `${head}\n${table(rows)}`;
}

export function renderList(sandboxes: readonly SandboxSummary[]): string {
  if (sandboxes.length === 0) return "no sandboxes on this machine (`sandbox up` creates one)";
  const now = Date.now();
  const rows = [["NAME", "OWNER", "TARGET", "STATE", "AGE", "EXPIRES", "CANDIDATES"]];
  for (const sandbox of sandboxes) {
    const left = (Date.parse(sandbox.expiresAt) - now) / 1000;
    rows.push([
      sandbox.name,
      sandbox.owner,
      sandbox.target,
      sandbox.state,
      formatAge(sandbox.ageS),
      sandbox.expired ? `expired ${formatAge(left)} ago` : `in ${formatAge(left)}`,
      String(sandbox.candidates),
    ]);
  }
  return table(rows);
}
