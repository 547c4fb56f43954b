import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import { providerShim } from "../../../stacks/docker/provider.ts";

it("serializes the provider as a few small functions that import provider-impl.ts at run time", async () => {
  const shim = providerShim("container");
  const { text } = await pulumi.runtime.serializeFunction(() => shim, { isFactoryFunction: true });
  expect(text).toContain("/stacks/docker/provider-impl.ts");
  expect(text).toContain('"container"');
  expect(text).not.toContain("dockerode");
  expect(text.length).toBeLessThan(6000);
}, 60_000);
