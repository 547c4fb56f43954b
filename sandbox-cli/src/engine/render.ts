import { formatAge } from "./select.ts";
import type { InstanceStatus, SandboxStatus, SandboxSummary } from "./status.ts";

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

const podCell = (pod: NonNullable<InstanceStatus["pods"]>[number]) =>
  `${pod.phase}, ${pod.ready ? "ready" : "not ready"}, ${pod.restarts} restart${pod.restarts === 1 ? "" : "s"}${pod.reason ? `: ${pod.reason}` : ""}`;

/** One row per container (docker) or per pod (kubernetes; an instance without a pod gets one row). */
function instanceRows(instance: InstanceStatus): { container: string; state: string }[] {
  if (instance.pods && instance.pods.length > 0)
    return instance.pods.map((pod) => ({ container: pod.name, state: podCell(pod) }));
  const state = instance.health ? `${instance.state} (${instance.health})` : instance.state;
  return [{ container: instance.container, state }];
}

/** Pure: the human view of `sandbox status` (and the end of `sandbox up`). */
export function renderStatus(status: SandboxStatus): string {
  const head = `sandbox ${status.name} (owner ${status.owner}, ${status.state}${status.healthy ? ", healthy" : ""}, expires ${status.expiresAt}${status.expired ? ", EXPIRED" : ""})`;
  const where = status.kubernetes
    ? `\nkubernetes namespace ${status.kubernetes.namespace}${status.kubernetes.context ? `, context ${status.kubernetes.context}` : ""} (${status.kubernetes.kubeconfig})`
    : "";
  const rows = [
    ["CANDIDATE", "KIND", "URL", "ROLE", status.kubernetes ? "POD" : "CONTAINER", "HOSTNAME", "STATE"],
  ];
  for (const candidate of status.candidates) {
    let first = true;
    for (const instance of candidate.instances) {
      for (const [index, row] of instanceRows(instance).entries()) {
        rows.push([
          first ? candidate.name : "",
          first ? candidate.kind : "",
          first ? (candidate.url ?? "-") : "",
          index === 0 ? instance.role : "",
          row.container,
          index === 0 ? instance.hostname : "",
          row.state,
        ]);
        first = false;
      }
    }
  }
  if (status.edge) rows.push(["edge", "", "", "edge", status.edge.container, "edge", status.edge.state]);
  const note = status.kubernetes
    ? "\nURLs are the Services' in-cluster addresses; each command reaches them from this machine through a port-forward on 127.0.0.1 for as long as it runs."
    : "";
  return `${head}${where}\n${table(rows)}${note}`;
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
