import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { SandboxStatus } from "../../../sandbox-cli/src/engine/status.ts";
import {
  type PodToSample,
  podReading,
  podSample,
  quantity,
  type StatsSummary,
} from "../../../sandbox-cli/src/loadtest/kubelet-summary.ts";
import {
  kubernetesResourceSource,
  podsToSample,
} from "../../../sandbox-cli/src/loadtest/kubernetes-resources.ts";
import { toContainerResources } from "../../../sandbox-cli/src/loadtest/resource-sampling.ts";

const lms: PodToSample = { namespace: "sandbox-kres", pod: "lms-7f9-abc", container: "main", node: "node-0" };

/** A Summary as the kubelet writes it, with the lms pod's counters at `time`. */
function summary(
  time: string,
  counters: {
    cpuNs: number;
    nanoCores?: number;
    workingSet: number;
    rx: number;
    tx: number;
    started?: string;
  },
): StatsSummary {
  return {
    node: { nodeName: "node-0" },
    pods: [
      {
        podRef: { name: "other", namespace: "someone-else" },
        containers: [{ name: "main", cpu: { time, usageCoreNanoSeconds: 9e12 } }],
      },
      {
        podRef: { name: lms.pod, namespace: lms.namespace },
        containers: [
          { name: "sidecar", cpu: { time, usageCoreNanoSeconds: 1 } },
          {
            name: "main",
            startTime: counters.started ?? "2026-12-07T23:00:00Z",
            cpu: { time, usageNanoCores: counters.nanoCores ?? 0, usageCoreNanoSeconds: counters.cpuNs },
            memory: { time, workingSetBytes: counters.workingSet },
          },
        ],
        network: { rxBytes: counters.rx, txBytes: counters.tx },
      },
    ],
  };
}

const read = (s: StatsSummary) => {
  const reading = podReading(s, lms);
  if (!reading) throw new Error("no reading");
  return reading;
};

describe("kubelet Summary -> resource samples", () => {
  it("two successive readings make one sample: cores over the interval, working set, pod network", () => {
    const first = read(
      summary("2026-12-07T23:10:00Z", { cpuNs: 10e9, workingSet: 100e6, rx: 1000, tx: 2000 }),
    );
    const second = read(
      summary("2026-12-07T23:10:02Z", { cpuNs: 11.5e9, workingSet: 120e6, rx: 5000, tx: 9000, nanoCores: 1 }),
    );
    expect(podSample(first, second)).toEqual({
      t: Date.parse("2026-12-07T23:10:02Z") / 1000,
      cpuCores: 0.75,
      memoryBytes: 120e6,
      rxBytes: 5000,
      txBytes: 9000,
    });
  });

  it("a restarted container (new start, counter from zero) takes the kubelet's own rate, never a negative one", () => {
    const before = read(summary("2026-12-07T23:10:00Z", { cpuNs: 50e9, workingSet: 300e6, rx: 10, tx: 10 }));
    const after = read(
      summary("2026-12-07T23:10:02Z", {
        cpuNs: 0.2e9,
        nanoCores: 250e6,
        workingSet: 40e6,
        rx: 20,
        tx: 30,
        started: "2026-12-07T23:10:01Z",
      }),
    );
    expect(podSample(before, after)).toMatchObject({ cpuCores: 0.25, memoryBytes: 40e6 });
  });

  it("a pod gone from the Summary (or without its container) gives no reading", () => {
    const s = summary("2026-12-07T23:10:00Z", { cpuNs: 1, workingSet: 1, rx: 1, tx: 1 });
    expect(podReading(s, { ...lms, pod: "lms-7f9-gone" })).toBeUndefined();
    expect(podReading(s, { ...lms, container: "app" })).toBeUndefined();
    expect(podReading({ node: { nodeName: "node-0" } }, lms)).toBeUndefined();
  });

  it("a pod the kubelet gives no network counters reads 0 and says it has none", () => {
    const s = summary("2026-12-07T23:10:00Z", { cpuNs: 1, workingSet: 1, rx: 1, tx: 1 });
    expect(podReading(s, lms)?.hasNetwork).toBe(true);
    const withoutNetwork: StatsSummary = {
      pods: (s.pods ?? []).map(({ network: _network, ...pod }) => pod),
    };
    expect(podReading(withoutNetwork, lms)).toMatchObject({ rxBytes: 0, txBytes: 0, hasNetwork: false });
  });

  it("sample times become seconds since the run's start; none from before it", () => {
    const start = Date.parse("2026-12-07T23:10:01Z");
    const series = {
      container: "sandbox-kres/lms-7f9-abc",
      candidate: "lms",
      role: "app",
      cpuLimitCores: 1,
      memoryLimitBytes: 2 ** 29,
      samples: [1000, 2000, 3500].map((ms) => ({
        t: (start - 1000 + ms) / 1000,
        cpuCores: 0.1,
        memoryBytes: 1,
        rxBytes: 0,
        txBytes: 0,
      })),
    };
    expect(toContainerResources([series], start)[0]?.samples.map((s) => s.t)).toEqual([0, 1, 2.5]);
  });

  it("reads Kubernetes quantities of limits", () => {
    expect(quantity("500m")).toBe(0.5);
    expect(quantity("2")).toBe(2);
    expect(quantity("512Mi")).toBe(536870912);
    expect(quantity("1G")).toBe(1e9);
    expect(quantity(undefined)).toBeNull();
    expect(quantity("lots")).toBeNull();
  });
});

describe("which pods are sampled", () => {
  const status = {
    candidates: [
      {
        name: "lms",
        instances: [
          { instance: "lms", role: "app" },
          { instance: "lms-database", role: "database" },
        ],
      },
    ],
  } as unknown as SandboxStatus;
  const pod = (name: string, instance: string | undefined, phase = "Running", node = "node-0"): V1Pod => ({
    metadata: {
      name,
      namespace: "sandbox-kres",
      labels: instance ? { "app.kubernetes.io/instance": instance } : {},
    },
    spec: {
      nodeName: node,
      containers: [
        { name: "main", resources: { limits: { cpu: "500m", memory: "256Mi" } } },
        { name: "worker" },
      ],
    },
    status: { phase },
  });

  it("one entry per running candidate pod's main container, with candidate, role, node and limits", () => {
    const sampled = podsToSample(
      [
        pod("lms-abc", "lms"),
        pod("lms-database-0", "lms-database", "Running", "node-1"),
        pod("load-1-xyz", undefined, "Succeeded"),
        pod("lms-old", "lms", "Failed"),
      ],
      status,
    );
    expect(sampled.map((s) => [s.pod.pod, s.pod.node, s.series.candidate, s.series.role])).toEqual([
      ["lms-abc", "node-0", "lms", "app"],
      ["lms-database-0", "node-1", "lms", "database"],
    ]);
    expect(sampled[0]?.series).toMatchObject({
      container: "sandbox-kres/lms-abc",
      cpuLimitCores: 0.5,
      memoryLimitBytes: 256 * 2 ** 20,
    });
    expect(sampled[0]?.pod.container).toBe("main");
  });
});

describe("the kubernetes resource source", () => {
  const sampledPod = (pod: string, node: string) => ({
    pod: { namespace: "sandbox-kres", pod, container: "main", node },
    series: { container: `sandbox-kres/${pod}`, cpuLimitCores: 1, memoryLimitBytes: null, samples: [] },
  });
  const recorder = () => {
    const warnings: string[] = [];
    return {
      warnings,
      log: {
        info: () => undefined,
        warn: (m: string) => warnings.push(m),
        step: <T>(_: string, w: () => Promise<T>) => w(),
      },
    };
  };
  /** A node whose kubelet counts time on: each read 1 s later, 0.5 core used, `pods` on it. */
  const node = (pods: () => string[]) => {
    let second = 0;
    return (): StatsSummary => {
      second += 1;
      const time = new Date(Date.parse("2026-12-07T23:10:00Z") + second * 1000).toISOString();
      return {
        pods: pods().map((name) => ({
          podRef: { name, namespace: "sandbox-kres" },
          containers: [
            {
              name: "main",
              startTime: "2026-12-07T23:00:00Z",
              cpu: { time, usageCoreNanoSeconds: second * 0.5e9 },
              memory: { time, workingSetBytes: 1000 },
            },
          ],
          network: { rxBytes: second, txBytes: second },
        })),
      };
    };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

  it("reads each node of the pods once a round; a pod gone keeps the samples it had", async () => {
    let lmsThere = true;
    const nodes: Record<string, () => StatsSummary> = {
      "node-0": node(() => (lmsThere ? ["lms-abc"] : [])),
      "node-1": node(() => ["db-0"]),
    };
    const reads: string[] = [];
    const source = kubernetesResourceSource(
      async (name) => {
        reads.push(name);
        return nodes[name]?.();
      },
      [sampledPod("lms-abc", "node-0"), sampledPod("db-0", "node-1")],
    );
    const { log, warnings } = recorder();
    const sampler = source.start(log, 5);
    await settle();
    lmsThere = false;
    await settle();
    const [lms, db] = await sampler.stop(Date.parse("2026-12-07T23:10:00Z"));
    expect(warnings).toEqual([]);
    expect(reads.filter((n) => n === "node-0").length).toBe(reads.filter((n) => n === "node-1").length);
    expect(lms?.samples.length).toBeGreaterThan(0);
    expect((db?.samples.length ?? 0) > (lms?.samples.length ?? 0)).toBe(true);
    expect(db?.samples[0]).toMatchObject({ t: 2, cpuCores: 0.5, memoryBytes: 1000, rxBytes: 2 });
  });

  it("a refused nodes/proxy read: no figures, and one warning naming the permission", async () => {
    let reads = 0;
    const source = kubernetesResourceSource(async () => {
      reads += 1;
      return "forbidden";
    }, [sampledPod("lms-abc", "node-0")]);
    const { log, warnings } = recorder();
    const sampler = source.start(log, 5);
    await settle();
    expect(await sampler.stop(Date.now())).toEqual([]);
    expect(reads).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('get on "nodes/proxy"');
  });
});
