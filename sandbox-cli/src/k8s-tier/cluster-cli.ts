/** `npm run k8s:cluster -- up|down|status [--json]`: the local one-node cluster. */
import { isSandboxError, usageError } from "../errors.ts";
import { createLogger } from "../util/log.ts";
import { type ClusterStatus, clusterDown, clusterStatus, clusterUp } from "./cluster.ts";

const USAGE = "usage: npm run k8s:cluster -- up|down|status [--json]";

function render(status: ClusterStatus): string {
  if (!status.daemons.length) return "no local cluster (start it with `npm run k8s:cluster -- up`)";
  const lines = [
    `cluster: ${status.running ? "running" : "NOT running"} (node ${status.node}: ${status.nodeReady ? "Ready" : "not Ready"})`,
    `kubeconfig: ${status.kubeconfig}`,
    `api server: ${status.server}`,
    `registry: ${status.registry}`,
    `to use it: export KUBECONFIG=${status.kubeconfig} SANDBOX_POLICY_CONFIG=${status.policyConfig ?? "(not written)"}`,
    ...status.daemons.map(
      (d) => `  ${d.running ? "up  " : "DOWN"} ${d.name.padEnd(24)} pid ${d.pid}  ${d.log}`,
    ),
  ];
  return lines.join("\n");
}

async function main(argv: string[]): Promise<void> {
  const json = argv.includes("--json");
  const rest = argv.filter((a) => a !== "--json");
  const action = rest[0];
  if (rest.length !== 1 || !["up", "down", "status"].includes(action ?? "")) {
    throw usageError("K8S_CLUSTER_USAGE", `unknown arguments: ${rest.join(" ") || "(none)"}`, USAGE);
  }
  const log = createLogger();
  if (action === "down") await clusterDown(log);
  const status = action === "up" ? await clusterUp(log) : await clusterStatus();
  process.stdout.write(`${json ? JSON.stringify(status, null, 2) : render(status)}\n`);
  if (action === "status" && status.daemons.length > 0 && !status.running) process.exitCode = 4;
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (!isSandboxError(error)) throw error;
  if (process.argv.includes("--json")) {
    process.stdout.write(
      `${JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } })}\n`,
    );
  } else {
    process.stderr.write(`error: ${error.message}\n  fix: ${error.hint}\n`);
  }
  process.exitCode = error.exitCode;
}
