import http from "node:http";

/**
 * The bystander: a synthetic business application sharing the site's link with the learners. Two flows
 * through the same gateway, each bounded by count and time:
 *  - "request": short requests with small answers at a steady rate, open loop (an ERP or mail client:
 *    it does not wait for one answer before the next user clicks), over a few keep-alive connections;
 *  - "interactive": one keep-alive connection sending a tiny request as soon as the previous answer
 *    and a short pause are done (a terminal session, a chat, a remote desktop): sensitive to queueing delay.
 * Every answer is one sample: when it was sent (ms since start), how long it took, whether it failed.
 */

export interface BystanderSample {
  readonly flow: "request" | "interactive";
  /** ms since the bystander started, when the request was sent. */
  readonly t: number;
  readonly ms: number;
  readonly ok: boolean;
}

export interface BystanderOptions {
  /** base URL of the bystander service through the gateway, e.g. http://bystander:8080 */
  readonly url: string;
  /** requests per second of the request flow. */
  readonly rate: number;
  /** bytes each answer of the request flow carries. */
  readonly answerBytes: number;
  /** pause between interactive requests, ms. */
  readonly intervalMs: number;
  /** stop after this long at the latest, seconds. */
  readonly maxS: number;
  /** a request slower than this counts as failed, ms. */
  readonly timeoutMs: number;
}

/** At most this many samples are kept (a bound on memory and on the JSON printed). */
export const MAX_SAMPLES = 50_000;

function timedGet(agent: http.Agent, url: string, timeoutMs: number): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (ok: boolean) => resolve({ ms: performance.now() - started, ok });
    const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => done(res.statusCode === 200));
      res.on("error", () => done(false));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => done(false));
  });
}

/** Runs both flows until `signal` aborts or maxS passes; resolves with every sample, in send order. */
export async function runBystander(
  options: BystanderOptions,
  signal: AbortSignal,
): Promise<BystanderSample[]> {
  const samples: BystanderSample[] = [];
  const origin = performance.now();
  const deadline = origin + options.maxS * 1000;
  const running = () => !signal.aborted && performance.now() < deadline && samples.length < MAX_SAMPLES;
  const record = (flow: BystanderSample["flow"], t: number, result: { ms: number; ok: boolean }) => {
    if (samples.length < MAX_SAMPLES) samples.push({ flow, t: Math.round(t), ms: result.ms, ok: result.ok });
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const abort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", abort);
        resolve();
      }, ms);
      signal.addEventListener("abort", abort, { once: true });
    });

  const requestAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const interactiveAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const inFlight = new Set<Promise<void>>();
  const requestFlow = async () => {
    const period = 1000 / options.rate;
    for (let i = 0; running(); i += 1) {
      const sendAt = origin + i * period;
      const wait = sendAt - performance.now();
      if (wait > 0) await sleep(wait);
      if (!running()) break;
      const t = performance.now() - origin;
      const pending = timedGet(requestAgent, `${options.url}/bytes/${options.answerBytes}`, options.timeoutMs)
        .then((result) => record("request", t, result))
        .finally(() => inFlight.delete(pending));
      inFlight.add(pending);
    }
  };
  const interactiveFlow = async () => {
    while (running()) {
      const t = performance.now() - origin;
      record("interactive", t, await timedGet(interactiveAgent, `${options.url}/ping`, options.timeoutMs));
      await sleep(options.intervalMs);
    }
  };
  await Promise.all([requestFlow(), interactiveFlow()]);
  await Promise.all(inFlight);
  requestAgent.destroy();
  interactiveAgent.destroy();
  return samples.sort((a, b) => a.t - b.t);
}
