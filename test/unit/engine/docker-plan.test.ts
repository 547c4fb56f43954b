import { describe, expect, it } from "vitest";
import { demuxDockerLogs } from "../../../sandbox-cli/src/runtime/docker-logs.ts";
import { containerCreateOptions } from "../../../sandbox-cli/src/runtime/docker-provider/container.ts";
import { changedKeys, providerFor } from "../../../sandbox-cli/src/runtime/docker-provider/provider.ts";
import { planCandidates } from "../../../stacks/catalog/index.ts";
import { planDockerSandbox } from "../../../stacks/docker/plan.ts";

const input = {
  name: "demo",
  owner: "trainer@example.com",
  expiresAt: "2026-12-01T10:00:00.000Z",
  candidates: planCandidates([{ catalog: "reference-lms" }, { catalog: "media-nginx" }]),
  hostPorts: { "reference-lms/http": 21_001, "media-nginx/http": 21_002 },
  imageHashes: { "reference-lms": "a".repeat(64), postgres: "b".repeat(64), "media-nginx": "c".repeat(64) },
};

describe("planDockerSandbox", () => {
  const plan = planDockerSandbox(input);
  const everyContainer = [...plan.containers, plan.edge];

  it("labels every network, volume and container with the sandbox name, owner and expiry", () => {
    const labelled = [
      plan.internalNetwork,
      plan.edgeNetwork,
      ...plan.volumes,
      ...everyContainer.map((c) => c.inputs),
    ];
    for (const object of labelled) {
      expect(object.labels).toMatchObject({
        "sandbox.name": "demo",
        "sandbox.owner": "trainer@example.com",
        "sandbox.expires-at": "2026-12-01T10:00:00.000Z",
      });
    }
  });

  it("puts candidates only on the internal network and publishes nothing from them", () => {
    expect(plan.internalNetwork).toMatchObject({ name: "sandbox-demo-internal", internal: true });
    expect(plan.edgeNetwork).toMatchObject({ name: "sandbox-demo-edge", internal: false });
    for (const container of plan.containers) {
      expect(container.inputs.networks.map((n) => n.name)).toEqual(["sandbox-demo-internal"]);
      expect(container.inputs.ports).toEqual([]);
    }
  });

  it("publishes each exposed port once, through the edge, which sits on both networks", () => {
    expect(plan.edge.inputs.networks.map((n) => n.name)).toEqual([
      "sandbox-demo-edge",
      "sandbox-demo-internal",
    ]);
    expect(plan.edge.inputs.ports).toEqual([
      { hostPort: 21_001, containerPort: 21_001 },
      { hostPort: 21_002, containerPort: 21_002 },
    ]);
    expect(plan.endpoints.map((e) => [e.candidate, e.url])).toEqual([
      ["reference-lms", "http://127.0.0.1:21001"],
      ["media-nginx", "http://127.0.0.1:21002"],
    ]);
    const conf = plan.edge.envTemplate.NGINX_CONF ?? "";
    expect(conf).toContain("listen 21001;");
    expect(conf).toContain("set $upstream http://reference-lms:8080;");
    expect(conf).toContain("set $upstream http://media-nginx:8080;");
  });

  it("limits memory and CPU of every container and orders the app after its database", () => {
    for (const container of everyContainer) {
      expect(container.inputs.memoryMb).toBeGreaterThan(0);
      expect(container.inputs.cpu).toBeGreaterThan(0);
    }
    const app = plan.containers.find((c) => c.instance === "reference-lms");
    expect(app?.dependsOn).toEqual(["sandbox-demo-reference-lms-database"]);
    expect(app?.templateContext.deps).toEqual({ database: { host: "reference-lms-database", port: 5432 } });
    expect(plan.edge.dependsOn).toEqual(["sandbox-demo-reference-lms", "sandbox-demo-media-nginx"]);
  });

  it("names volumes per sandbox and instance and plans each image once", () => {
    expect(plan.volumes.map((v) => v.name)).toEqual([
      "sandbox-demo-reference-lms-database-data",
      "sandbox-demo-reference-lms-courses",
      "sandbox-demo-media-nginx-content",
    ]);
    expect(Object.keys(plan.images).sort()).toEqual(["media-nginx", "postgres", "reference-lms"]);
  });

  it("refuses to plan without a port or an image hash", () => {
    expect(() => planDockerSandbox({ ...input, hostPorts: {} })).toThrow(
      "no host port allocated for reference-lms/http",
    );
    expect(() => planDockerSandbox({ ...input, imageHashes: {} })).toThrow(
      "no context hash for images/media-nginx",
    );
  });
});

describe("containerCreateOptions", () => {
  it("binds published ports to 127.0.0.1 only and sets hard limits without swap", () => {
    const edge = planDockerSandbox(input).edge;
    const options = containerCreateOptions({ ...edge.inputs, imageId: "sha256:x", env: { A: "1" } });
    expect(options.HostConfig?.PortBindings).toEqual({
      "21001/tcp": [{ HostIp: "127.0.0.1", HostPort: "21001" }],
      "21002/tcp": [{ HostIp: "127.0.0.1", HostPort: "21002" }],
    });
    expect(options.HostConfig?.Memory).toBe(128 * 1024 * 1024);
    expect(options.HostConfig?.MemorySwap).toBe(128 * 1024 * 1024);
    expect(options.HostConfig?.NanoCpus).toBe(500_000_000);
    expect(options.HostConfig?.NetworkMode).toBe("sandbox-demo-edge");
    expect(options.Env).toEqual(["A=1"]);
  });
});

describe("provider diff", () => {
  it("ignores output-only keys and reports changed inputs", () => {
    const olds = { name: "x", memoryMb: 128, containerId: "abc", __provider: "p" };
    expect(changedKeys("container", olds, { name: "x", memoryMb: 128, __provider: "q" })).toEqual([]);
    expect(changedKeys("container", olds, { name: "x", memoryMb: 256 })).toEqual(["memoryMb"]);
  });

  it("replaces a container whose image was rebuilt (imageId is a container input, an image output)", async () => {
    const olds = { name: "x", imageId: "sha256:old", containerId: "abc" };
    const news = { name: "x", imageId: "sha256:new" };
    expect(changedKeys("container", olds, news)).toEqual(["imageId"]);
    expect(await providerFor("container").diff("x", olds, news)).toMatchObject({
      changes: true,
      replaces: ["imageId"],
    });
    const image = { kind: "recipe", name: "sandbox/x", folder: "x", contextHash: "h1" };
    expect(changedKeys("image", { ...image, tag: "sandbox/x:h1", imageId: "sha256:old" }, image)).toEqual([]);
  });
});

describe("demuxDockerLogs", () => {
  it("joins the payloads of multiplexed log frames", () => {
    const frame = (stream: number, text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header.writeUInt8(stream, 0);
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    expect(demuxDockerLogs(Buffer.concat([frame(1, "hello\n"), frame(2, "boom\n")]))).toBe("hello\nboom\n");
  });

  it("keeps a character whose bytes are split across two frames", () => {
    const bytes = Buffer.from("café");
    const frame = (payload: Buffer) => {
      const header = Buffer.alloc(8);
      header.writeUInt8(1, 0);
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    const split = bytes.length - 1;
    expect(
      demuxDockerLogs(Buffer.concat([frame(bytes.subarray(0, split)), frame(bytes.subarray(split))])),
    ).toBe("café");
  });
});
