import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configPassphrase } from "../../../sandbox-cli/src/engine/passphrase.ts";
import { writeSecretFile } from "../../../sandbox-cli/src/util/secret-file.ts";

let root: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "passphrase-"));
  env = { SANDBOX_STATE_DIR: join(root, "state"), SANDBOX_CONFIG_DIR: join(root, "config") };
});
afterEach(() => rm(root, { recursive: true, force: true }));

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe("the stack passphrase", () => {
  it("comes from PULUMI_CONFIG_PASSPHRASE, writing nothing", async () => {
    expect(await configPassphrase({ ...env, PULUMI_CONFIG_PASSPHRASE: "from-env" })).toBe("from-env");
    expect(existsSync(join(root, "state"))).toBe(false);
    expect(existsSync(join(root, "config"))).toBe(false);
  });

  it("comes from the file PULUMI_CONFIG_PASSPHRASE_FILE names, anywhere outside the state", async () => {
    const file = join(root, "elsewhere.txt");
    await writeFile(file, "from-file\n");
    expect(await configPassphrase({ ...env, PULUMI_CONFIG_PASSPHRASE_FILE: file })).toBe("from-file");
    await expect(
      configPassphrase({ ...env, PULUMI_CONFIG_PASSPHRASE_FILE: join(root, "missing") }),
    ).rejects.toMatchObject({ code: "PASSPHRASE_UNREADABLE", exitCode: 2 });
  });

  it("is otherwise made once in the config dir (0600, folder 0700), not beside the state", async () => {
    const first = await configPassphrase(env);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = join(root, "config", "pulumi-passphrase");
    expect((await readFile(file, "utf8")).trim()).toBe(first);
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(join(root, "config"))).toBe(0o700);
    expect(existsSync(join(root, "state", "pulumi-passphrase"))).toBe(false);
    expect(await configPassphrase(env)).toBe(first);
  });

  it("keeps reading the file an older version left in the state dir, so its stacks still open", async () => {
    await mkdir(join(root, "state"));
    await writeFile(join(root, "state", "pulumi-passphrase"), "old-one\n");
    expect(await configPassphrase(env)).toBe("old-one");
  });
});

describe("writeSecretFile", () => {
  it("leaves a file only its owner may read, also when it existed with a wider mode", async () => {
    const file = join(root, "config.json");
    await writeFile(file, "{}", { mode: 0o644 });
    await writeSecretFile(file, '{"password":"x"}');
    expect(await modeOf(file)).toBe(0o600);
    expect(await readFile(file, "utf8")).toBe('{"password":"x"}');
  });
});
