import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { installMocks, type MockedResource, settled } from "./helpers/pulumi-mocks.ts";

// Set the mocks first, then import the component (its resources register against them).
const created: MockedResource[] = installMocks();
const { DockerSandbox } = await import("../../stacks/docker/components.ts");
const { providerShim } = await import("../../stacks/docker/provider.ts");
const { planCandidates } = await import("../../stacks/catalog/index.ts");

/** Any file: URL will do: the mocks never run the provider, they record what would be sent to it. */
const providerModule = "file:///opt/elsewhere/docker-operations.ts";
const input = {
  name: "i16-demo",
  owner: "trainer@example.com",
  expiresAt: "2026-12-01T10:00:00.000Z",
  candidates: planCandidates([{ catalog: "reference-lms" }, { catalog: "media-caddy" }]),
  hostPorts: { "reference-lms/http": 21_001, "media-caddy/http": 21_002 },
  imageHashes: {
    "reference-lms": "a".repeat(64),
    postgres: "b".repeat(64),
    "media-caddy": "c".repeat(64),
    "media-nginx": "d".repeat(64),
  },
};

beforeEach(() => {
  created.length = 0;
});

describe("DockerSandbox (Pulumi mocks)", () => {
  it("declares the sandbox's objects, each with a provider importing the module its args name", async () => {
    new DockerSandbox("i16-demo", { input, providerModule });
    await settled();
    const dynamic = created.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/sandbox-docker:"));
    const kinds = new Set(dynamic.map((r) => r.type.split(":").pop()));
    expect([...kinds].sort()).toEqual(["Container", "Image", "Network", "Password", "Volume"]);
    for (const resource of dynamic) {
      const provider = String(resource.inputs.__provider);
      expect(provider, resource.name).toContain(providerModule);
      expect(provider, resource.name).not.toContain("dockerode");
      expect(provider, resource.name).not.toContain("sandbox-cli");
    }
    expect(created.find((r) => r.type === "sandbox:docker:Sandbox")?.name).toBe("i16-demo");
  }, 60_000);

  it("refuses a provider module that is not a file: URL before declaring anything", () => {
    expect(() => new DockerSandbox("i16-bad", { input, providerModule: "./provider.ts" })).toThrow(
      'DockerSandbox i16-bad: providerModule must be the file: URL of a module exporting providerFor(kind), got "./provider.ts"',
    );
    expect(created).toEqual([]);
  });
});

describe("providerShim", () => {
  it("serializes as a few small functions that import the module at run time", async () => {
    const shim = providerShim(providerModule, "container");
    const { text } = await pulumi.runtime.serializeFunction(() => shim, { isFactoryFunction: true });
    expect(text).toContain(providerModule);
    expect(text).toContain('"container"');
    expect(text).not.toContain("dockerode");
    expect(text.length).toBeLessThan(6000);
  }, 60_000);
});
