import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Worker } from "node:worker_threads";

/** CommonJS run in a worker thread, so hashing a large zip uses another core than the entry scan. */
const hashWorkerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
// one reused buffer: no garbage, so the worker's memory stays flat whatever the file size
const buffer = Buffer.allocUnsafe(256 * 1024);
const hash = createHash("sha256");
try {
  const fd = openSync(workerData, "r");
  try {
    for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
  parentPort.postMessage({ sha256: hash.digest("hex") });
} catch (error) {
  parentPort.postMessage({ error: error.message });
}
`;

/** Below this size a worker's start-up costs more than the hashing it would move off the main thread. */
const WORKER_HASH_MIN_BYTES = 32 * 1024 * 1024;

/** sha256 of a whole file; large files are hashed in a worker thread. */
export async function hashFile(file: string): Promise<string> {
  if ((await stat(file)).size < WORKER_HASH_MIN_BYTES) {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) hash.update(chunk);
    return hash.digest("hex");
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(hashWorkerSource, { eval: true, workerData: file });
    worker.once("message", (message: { sha256?: string; error?: string }) => {
      void worker.terminate();
      if (message.sha256) resolve(message.sha256);
      else reject(new Error(`cannot read ${file} to hash it: ${message.error}`));
    });
    worker.once("error", reject);
  });
}
