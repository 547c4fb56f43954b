import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { usageError } from "../errors.ts";
import { configDir, stateDir } from "../paths.ts";
import { writeSecretFile } from "../util/secret-file.ts";

const FILE_NAME = "pulumi-passphrase";

/**
 * The passphrase that encrypts stack secrets, never kept beside the state it protects:
 * PULUMI_CONFIG_PASSPHRASE, else the file PULUMI_CONFIG_PASSPHRASE_FILE names, else (state made by
 * an older version) `<state>/pulumi-passphrase`, else `<config dir>/pulumi-passphrase`, made once (0600).
 */
export async function configPassphrase(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.PULUMI_CONFIG_PASSPHRASE) return env.PULUMI_CONFIG_PASSPHRASE;
  if (env.PULUMI_CONFIG_PASSPHRASE_FILE) return readPassphrase(env.PULUMI_CONFIG_PASSPHRASE_FILE);
  const legacy = join(stateDir(env), FILE_NAME);
  if (existsSync(legacy)) return readPassphrase(legacy);
  const file = join(configDir(env), FILE_NAME);
  if (!existsSync(file)) {
    await mkdir(configDir(env), { recursive: true, mode: 0o700 });
    await chmod(configDir(env), 0o700);
    const passphrase = randomBytes(32).toString("base64url");
    // another process may have made it first: then its passphrase is the one
    await writeSecretFile(file, `${passphrase}\n`, { exclusive: true }).catch(() => undefined);
  }
  return readPassphrase(file);
}

async function readPassphrase(file: string): Promise<string> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw usageError(
      "PASSPHRASE_UNREADABLE",
      `the stack passphrase file ${file} cannot be read (${error.code})`,
      "point PULUMI_CONFIG_PASSPHRASE_FILE at a readable file, or set PULUMI_CONFIG_PASSPHRASE",
      error,
    );
  });
  const passphrase = text.trim();
  if (!passphrase)
    throw usageError(
      "PASSPHRASE_EMPTY",
      `the stack passphrase file ${file} is empty`,
      "write the passphrase into it, or set PULUMI_CONFIG_PASSPHRASE",
    );
  return passphrase;
}
