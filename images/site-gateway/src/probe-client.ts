import http from "node:http";

/** Bounded HTTP probes run from a container at the site: every loop stops by count and by time. */

export interface TransferResult {
  readonly requests: number;
  readonly errors: number;
  readonly bytes: number;
  readonly seconds: number;
  /** payload throughput over the whole run, Mbit/s (1 Mbit = 10^6 bit). */
  readonly mbps: number;
}

function request(
  agent: http.Agent,
  url: string,
  options: { method?: string; body?: Buffer; timeoutMs: number },
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { agent, method: options.method ?? "GET", timeout: options.timeoutMs },
      (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
    req.on("error", reject);
    if (options.body) req.setHeader("content-length", String(options.body.length));
    req.end(options.body);
  });
}

/**
 * `count` transfers, `concurrency` at a time, over keep-alive connections; downloads count response bytes,
 * uploads count body bytes.
 */
export async function runTransfers(args: {
  url: string;
  count: number;
  concurrency: number;
  timeoutS: number;
  uploadBytes?: number;
  /** fetched once per connection before the clock starts, so DNS and handshakes are not counted. */
  warmupUrl?: string;
}): Promise<TransferResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });
  const body = args.uploadBytes ? Buffer.alloc(args.uploadBytes, "u") : undefined;
  const deadline = performance.now() + args.timeoutS * 1000;
  const warmupUrl = args.warmupUrl;
  if (warmupUrl) {
    const timeoutMs = args.timeoutS * 1000;
    await Promise.all(
      Array.from({ length: args.concurrency }, () => request(agent, warmupUrl, { timeoutMs })),
    );
  }
  let next = 0;
  let errors = 0;
  let bytes = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < args.count && performance.now() < deadline) {
      next += 1;
      try {
        const timeoutMs = Math.max(1, deadline - performance.now());
        const result = await request(
          agent,
          args.url,
          body ? { method: "POST", body, timeoutMs } : { timeoutMs },
        );
        if (result.status !== 200) errors += 1;
        else bytes += body ? body.length : result.bytes;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests: next, errors, bytes, seconds, mbps: (bytes * 8) / seconds / 1e6 };
}

/** Times `count` tiny requests: the first opens the connection, the rest reuse it (one round trip each). */
export async function measureRoundTrips(args: { url: string; count: number; timeoutS: number }): Promise<{
  firstRequestMs: number;
  reusedMedianMs: number;
  /** the fastest reused request: the added delay plus the least processing, robust to a busy host. */
  reusedMinMs: number;
  reusedMs: number[];
}> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  for (let i = 0; i < args.count; i += 1) {
    const started = performance.now();
    await request(agent, args.url, { timeoutMs: args.timeoutS * 1000 });
    times.push(performance.now() - started);
  }
  agent.destroy();
  const reused = times.slice(1).sort((a, b) => a - b);
  return {
    firstRequestMs: times[0] ?? Number.NaN,
    reusedMedianMs: reused[Math.floor(reused.length / 2)] ?? Number.NaN,
    reusedMinMs: reused[0] ?? Number.NaN,
    reusedMs: times.slice(1),
  };
}
