import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  labelledObjects,
  sandboxDown,
  sandboxList,
  sandboxStatus,
  sandboxUp,
} from "../../../sandbox-cli/src/engine/index.ts";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";
import { loadSpecFile } from "../../../sandbox-cli/src/sandbox-spec/index.ts";
import { runProgram } from "../../../sandbox-cli/src/util/exec.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { runCli } from "../../helpers/cli.ts";
import { canConnect, containerAddress, isolatedStateDir, uniqueName, writeSpec } from "./helpers.ts";

// Real Docker Engine and real Pulumi engine. Sandbox A: reference LMS (+ PostgreSQL) and the media server;
// sandbox B: the media server. Traffic goes only to 127.0.0.1 and to the sandboxes' own containers.
const nameA = uniqueName("it-a");
const nameB = uniqueName("it-b");
let stateDir: string;
let specA: string;
let specB: string;
let volumesBefore: Set<string>;

const volumeNames = async () => new Set(((await docker().listVolumes()).Volumes ?? []).map((v) => v.Name));

/**
 * Volumes that are not another sandbox's: on a machine shared with other sandboxes, theirs (labelled
 * with their name, or mounted by their labelled containers) come and go while this test runs.
 */
async function volumesNotOfOtherSandboxes(ours: string): Promise<Set<string>> {
  const theirs = new Set<string>();
  for (const volume of (await docker().listVolumes()).Volumes ?? []) {
    const owner = volume.Labels?.["sandbox.name"];
    if (owner && owner !== ours) theirs.add(volume.Name);
  }
  for (const container of await docker().listContainers({ all: true })) {
    const owner = container.Labels?.["sandbox.name"];
    if (owner === ours) continue;
    for (const mount of container.Mounts ?? []) if (mount.Name) theirs.add(mount.Name);
  }
  return new Set([...(await volumeNames())].filter((name) => !theirs.has(name)));
}

beforeAll(async () => {
  volumesBefore = await volumeNames();
  stateDir = await isolatedStateDir();
  specA = await writeSpec(stateDir, nameA, ["reference-lms", "media-nginx"]);
  specB = await writeSpec(stateDir, nameB, ["media-nginx"]);
});

afterAll(async () => {
  for (const name of [nameA, nameB]) await sandboxDown(name, silentLogger).catch(() => undefined);
  await rm(stateDir, { recursive: true, force: true });
});

describe("docker target", () => {
  it("brings sandbox A up through the CLI and prints each candidate's loopback URL", async () => {
    const result = await runCli(["up", "--spec", specA, "--json"], {
      env: { SANDBOX_STATE_DIR: stateDir },
      timeoutMs: 280_000,
    });
    expect(result.stderr).toContain(`deploy sandbox ${nameA}`);
    expect(result.exitCode).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.status.healthy).toBe(true);
    const urls = Object.fromEntries(
      out.status.candidates.map((c: { name: string; url: string }) => [c.name, c.url]),
    );
    expect(urls["reference-lms"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const url of Object.values(urls)) {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(200);
    }
  }, 300_000);

  it("labels every object and limits every container", async () => {
    const objects = await labelledObjects(nameA);
    expect(objects.networks.sort()).toEqual([`sandbox-${nameA}-edge`, `sandbox-${nameA}-internal`]);
    expect(objects.containers).toHaveLength(4);
    for (const name of objects.containers) {
      const info = await docker().getContainer(name).inspect();
      expect(info.Config.Labels).toMatchObject({
        "sandbox.owner": "integration-test",
        "sandbox.name": nameA,
      });
      expect(info.Config.Labels["sandbox.expires-at"]).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(info.HostConfig.Memory).toBeGreaterThan(0);
      expect(info.HostConfig.NanoCpus).toBeGreaterThan(0);
      for (const bindings of Object.values(info.HostConfig.PortBindings ?? {})) {
        for (const binding of bindings as { HostIp: string }[]) expect(binding.HostIp).toBe("127.0.0.1");
      }
    }
    const status = await sandboxStatus(nameA);
    const lms = status?.candidates.find((c) => c.name === "reference-lms");
    expect(lms?.instances.map((i) => [i.role, i.hostname])).toEqual([
      ["database", "reference-lms-database"],
      ["app", "reference-lms"],
    ]);
    expect((await sandboxList()).map((s) => s.name)).toContain(nameA);
  });

  it("isolates sandbox A from sandbox B and from the outside", async () => {
    await sandboxUp(await loadSpecFile(specB), silentLogger);
    const fromA = `sandbox-${nameA}-media-nginx`;
    // The method works: A's containers reach each other by internal hostname.
    expect(await canConnect(fromA, "reference-lms", 8080)).toBe(true);
    const mediaB = await containerAddress(`sandbox-${nameB}-media-nginx`, `sandbox-${nameB}-internal`);
    const edgeB = await containerAddress(`sandbox-${nameB}-edge`, `sandbox-${nameB}-edge`);
    expect(await canConnect(fromA, mediaB, 8080)).toBe(false);
    expect(await canConnect(fromA, edgeB, 8081)).toBe(false);
    // No route out, checked without sending anything: the network is internal and the Engine's
    // isolation rules drop whatever leaves its subnet.
    const network = await docker().getNetwork(`sandbox-${nameA}-internal`).inspect();
    expect(network.Internal).toBe(true);
    const subnet = network.IPAM?.Config?.[0]?.Subnet;
    const bridge = `br-${network.Id.slice(0, 12)}`;
    const rules = (await runProgram("iptables", ["-S", "DOCKER-ISOLATION-STAGE-1"])).stdout;
    expect(rules).toContain(`! -d ${subnet} -i ${bridge} -j DROP`);
  }, 120_000);

  it("changes nothing on a second up of B, and lets only one of two concurrent ups run", async () => {
    const loaded = await loadSpecFile(specB);
    const [first, second] = await Promise.allSettled([
      sandboxUp(loaded, silentLogger),
      sandboxUp(loaded, silentLogger),
    ]);
    const outcomes = [first, second].map((o) => o.status).sort();
    expect(outcomes).toEqual(["fulfilled", "rejected"]);
    const rejected = [first, second].find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "SANDBOX_BUSY" });
    const done = [first, second].find((o) => o.status === "fulfilled") as PromiseFulfilledResult<
      Awaited<ReturnType<typeof sandboxUp>>
    >;
    expect(done.value.changed).toBe(false);
    expect(Object.keys(done.value.changes)).toEqual(["same"]);
  }, 180_000);

  it("downs a sandbox completely, including objects left with its label", async () => {
    await docker().createVolume({ Name: `sandbox-${nameB}-leftover`, Labels: { "sandbox.name": nameB } });
    const result = await sandboxDown(nameB, silentLogger);
    expect(result.existed).toBe(true);
    expect(result.leftovers.volumes).toEqual([`sandbox-${nameB}-leftover`]);
    expect(await labelledObjects(nameB)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(await sandboxStatus(nameB)).toBeUndefined();
    const again = await sandboxDown(nameB, silentLogger);
    expect(again.existed).toBe(false);
  }, 120_000);

  it("downs sandbox A through the CLI, leaving no labelled object", async () => {
    const result = await runCli(["down", "--spec", specA, "--json"], {
      env: { SANDBOX_STATE_DIR: stateDir },
      timeoutMs: 120_000,
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: nameA, existed: true });
    expect(await labelledObjects(nameA)).toEqual({ containers: [], networks: [], volumes: [] });
    // nor an anonymous volume (images declare VOLUME; containers must be removed with their volumes)
    const added = [...(await volumesNotOfOtherSandboxes(nameA))].filter((v) => !volumesBefore.has(v));
    expect(added).toEqual([]);
    const list = await runCli(["list", "--json"], { env: { SANDBOX_STATE_DIR: stateDir } });
    expect(JSON.parse(list.stdout).sandboxes).toEqual([]);
  }, 150_000);
});
