import { describe, expect, it } from "vitest";
import { allocatePorts, PORT_RANGE, preferredPort } from "../../../sandbox-cli/src/engine/ports.ts";
import { generatePassword } from "../../../sandbox-cli/src/runtime/docker-provider/provider.ts";

describe("allocatePorts", () => {
  const allFree = async () => true;

  it("keeps ports already allocated and gives new keys their preferred port when free", async () => {
    const ports = await allocatePorts("demo", ["a/http", "b/http"], { "a/http": 21_000 }, new Set(), allFree);
    expect(ports["a/http"]).toBe(21_000);
    expect(ports["b/http"]).toBe(preferredPort("demo", "b/http"));
  });

  it("skips ports held by other sandboxes and ports something listens on", async () => {
    const preferred = preferredPort("demo", "a/http");
    const next = preferred === PORT_RANGE.last ? PORT_RANGE.first : preferred + 1;
    const afterNext = next === PORT_RANGE.last ? PORT_RANGE.first : next + 1;
    const ports = await allocatePorts(
      "demo",
      ["a/http"],
      {},
      new Set([preferred]),
      async (port) => port !== next,
    );
    expect(ports["a/http"]).toBe(afterNext);
  });

  it("never hands one port to two keys", async () => {
    const ports = await allocatePorts("demo", ["a/http", "b/http", "c/http"], {}, new Set(), allFree);
    expect(new Set(Object.values(ports)).size).toBe(3);
    for (const port of Object.values(ports)) {
      expect(port).toBeGreaterThanOrEqual(PORT_RANGE.first);
      expect(port).toBeLessThanOrEqual(PORT_RANGE.last);
    }
  });

  it("fails with the range when every port is taken", async () => {
    await expect(allocatePorts("demo", ["a/http"], {}, new Set(), async () => false)).rejects.toThrow(
      "no free port on 127.0.0.1 between 20000 and 29999",
    );
  });
});

describe("generatePassword", () => {
  it("makes URL-safe passwords of the asked length", () => {
    const password = generatePassword(24);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword(24)).not.toBe(password);
  });
});
