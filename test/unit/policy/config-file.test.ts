import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readItPolicyConfigInput } from "../../../stacks/policy/config-file.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "policy-config-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("readItPolicyConfigInput (what the pack and the nightly report both read)", () => {
  it("is empty without SANDBOX_POLICY_CONFIG, so every rule keeps its default", () => {
    expect(readItPolicyConfigInput({})).toEqual({});
  });

  it("reads the file the variable names", async () => {
    const file = join(dir, "it-policy.json");
    await writeFile(file, JSON.stringify({ allowedRegistries: ["127.0.0.1:5050"] }));
    expect(readItPolicyConfigInput({ SANDBOX_POLICY_CONFIG: file })).toEqual({
      allowedRegistries: ["127.0.0.1:5050"],
    });
  });

  it("names the variable, the file and the fix when the file is not JSON", async () => {
    const file = join(dir, "broken.json");
    await writeFile(file, "{ not json");
    expect(() => readItPolicyConfigInput({ SANDBOX_POLICY_CONFIG: file })).toThrow(
      /SANDBOX_POLICY_CONFIG=.*broken\.json cannot be read as JSON .*point it at IT's policy settings file or unset it/,
    );
  });
});
