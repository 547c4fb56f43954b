import { chmod, writeFile } from "node:fs/promises";

/** Writes a file that holds a secret: readable by its owner only (0600), also when it existed before. */
export async function writeSecretFile(path: string, data: string, options: { exclusive?: boolean } = {}) {
  await writeFile(path, data, { mode: 0o600, flag: options.exclusive ? "wx" : "w" });
  await chmod(path, 0o600);
}
