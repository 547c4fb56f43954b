import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/load-spec.ts";
import { runCli } from "../../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "sandbox-init-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sandbox init", () => {
  it("writes a commented starter that is a valid spec", async () => {
    const result = await runCli(["init", "--name", "lms-bakeoff", "--json"], {
      cwd: dir,
      env: { SANDBOX_OWNER: "anna@example.com" },
    });
    expect(result.exitCode).toBe(0);
    const file = join(dir, "sandbox.yaml");
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      path: file,
      name: "lms-bakeoff",
      owner: "anna@example.com",
    });
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/^# yaml-language-server: \$schema=.*docs\/sandbox.schema.json$/m);
    expect(text.split("\n").filter((line) => line.trim().startsWith("#")).length).toBeGreaterThan(10);
    expect(parseSpecText(text).spec).toMatchObject({ name: "lms-bakeoff", owner: "anna@example.com" });
  });

  it("refuses to overwrite without --force, and overwrites with it", async () => {
    const file = join(dir, "existing.yaml");
    writeFileSync(file, "mine\n");
    const refused = await runCli(["init", "--spec", file], { cwd: dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`error [INIT_EXISTS]: ${file} already exists; not overwriting it`);
    expect(refused.stderr).toContain(
      "fix: pass --force to replace it, or --spec OTHER.yaml to write elsewhere",
    );
    expect(readFileSync(file, "utf8")).toBe("mine\n");
    const forced = await runCli(["init", "--spec", file, "--force"], { cwd: dir });
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("name: my-sandbox");
  });

  it("names a bad --name and writes nothing", async () => {
    const file = join(dir, "bad.yaml");
    const result = await runCli(["init", "--name", "Bad_Name", "--spec", file], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "error [INIT_BAD_OPTION]: --name: must be 2-40 characters of a-z, 0-9 and '-', starting with a letter",
    );
    expect(() => readFileSync(file)).toThrow();
  });

  it("names a folder it cannot write into", async () => {
    const file = join(dir, "no-such-folder", "sandbox.yaml");
    const result = await runCli(["init", "--spec", file], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`error [INIT_UNWRITABLE]: cannot write ${file}: ENOENT`);
    expect(result.stderr).toContain("fix: create the folder first, or pass --spec with a writable path");
  });

  it("has --help examples", async () => {
    const result = await runCli(["init", "--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("$ npx sandbox init --name lms-bakeoff");
  });
});
