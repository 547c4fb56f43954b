import http from "node:http";
import https from "node:https";
import { type Http1Headers, Http1Pool, requestHead } from "./http1.ts";
import { type Exchange, sendOverHttps } from "./https-send.ts";
import type { HostAllowList } from "./interlock.ts";
import type { Metric, MetricRegistry } from "./metrics.ts";
import type { Tags } from "./samples.ts";
import { AbortedError } from "./sleep.ts";

export interface HttpRequest {
  readonly method?: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** groups URLs in metrics ("hls_segment", "lms_commit"): keeps tag cardinality low. */
  readonly name: string;
  /** keep the body (playlists, JSON); segments are only counted. */
  readonly keepBody?: boolean;
  readonly timeoutMs?: number;
  /** tags of this request besides the client's (a script's group and user tags): an interned, frozen object. */
  readonly tags?: Tags;
  /** statuses counted as success for http_req_failed (default 200-399). */
  readonly expectedStatus?: (status: number) => boolean;
}

export interface HttpResponse {
  /** 0 when no response arrived (connection error or timeout). */
  readonly status: number;
  readonly body: string;
  readonly bytes: number;
  /** from request sent (after connecting) to the last body byte, ms. */
  readonly durationMs: number;
  readonly waitingMs: number;
  readonly error?: string;
  readonly headers: http.IncomingHttpHeaders;
}

interface HttpMetrics {
  reqs: Metric;
  duration: Metric;
  waiting: Metric;
  connecting: Metric;
  failed: Metric;
  received: Metric;
  sent: Metric;
}

const defaultExpected = (status: number) => status >= 200 && status < 400;
/** connections per host a learner opens at most, as a browser does. */
const MAX_SOCKETS = 6;

/** A request in flight: aborted with the VU's lifetime, or destroyed by the watchdog past its deadline. */
interface InFlight {
  readonly deadlineAt: number;
  readonly timeoutMs: number;
  abort(): void;
  destroy(error: Error): void;
}

/**
 * Request timeouts from one shared watchdog (a check every 250 ms over every open client's requests in flight)
 * instead of a socket timer per request: re-arming a timer on every request cost the runner a fifth of its
 * CPU. The deadlines live in each client's own in-flight set: one global Map keyed by request made every
 * request promoted to the old heap (profiled: 3x the promoted bytes, a full GC every 50 ms).
 */
const openClients = new Set<HttpClient>();
let watchdog: NodeJS.Timeout | undefined;
function startWatchdog(): void {
  watchdog ??= setInterval(() => {
    const now = performance.now();
    for (const client of openClients) client.expire(now);
    if (openClients.size === 0) {
      clearInterval(watchdog);
      watchdog = undefined;
    }
  }, 250);
  watchdog.unref();
}

/** A response; its headers are parsed only when read (Node builds the object lazily; most callers never ask). */
class Response implements HttpResponse {
  readonly error?: string;
  constructor(
    readonly status: number,
    readonly body: string,
    readonly bytes: number,
    readonly durationMs: number,
    readonly waitingMs: number,
    private readonly source: http.IncomingMessage | Http1Headers | undefined,
    error: string | undefined,
  ) {
    if (error !== undefined) this.error = error;
  }
  get headers(): http.IncomingHttpHeaders {
    if (this.source instanceof http.IncomingMessage) return this.source.headers;
    return this.source ?? {};
  }
}

export interface HttpClientOptions {
  /** the interlock: every URL is checked against it before a socket opens. */
  readonly allow: HostAllowList;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/**
 * One learner's HTTP client (its own keep-alive connections, like a browser's): node:http directly,
 * because fetch costs several times more CPU per request and the runner's CPU is what limits it.
 */
export class HttpClient {
  private readonly agent: https.Agent;
  /** plain http: the lean client's connections, per host:port. */
  private readonly pools = new Map<string, Http1Pool>();
  private readonly metrics: HttpMetrics;
  /** tag sets by name/method/status, reused: a fresh object per request is garbage the runner pays for. */
  private readonly tagCache = new Map<string, Map<string, Map<number, Tags>>>();
  private readonly extraTagCache = new WeakMap<Tags, Map<string, Map<string, Map<number, Tags>>>>();
  /** requests in flight, aborted together when the VU's lifetime ends (one listener, not one per request). */
  private readonly inflight = new Set<InFlight>();

  private readonly allow: HostAllowList;
  private readonly defaultHeaders: Readonly<Record<string, string>>;
  private readonly defaultTimeoutMs: number;

  constructor(
    registry: MetricRegistry,
    private readonly baseTags: Tags,
    private readonly signal: AbortSignal,
    options: HttpClientOptions,
  ) {
    this.allow = options.allow;
    this.defaultHeaders = options.headers ?? {};
    this.defaultTimeoutMs = options.timeoutMs ?? 30_000;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
    this.metrics = {
      reqs: registry.counter("http_reqs"),
      duration: registry.trend("http_req_duration"),
      waiting: registry.trend("http_req_waiting"),
      connecting: registry.trend("http_req_connecting"),
      failed: registry.rate("http_req_failed"),
      received: registry.counter("data_received", "bytes"),
      sent: registry.counter("data_sent", "bytes"),
    };
    signal.addEventListener(
      "abort",
      () => {
        for (const entry of [...this.inflight]) entry.abort();
      },
      { once: true },
    );
    openClients.add(this);
    startWatchdog();
  }

  /** destroys the requests past their deadline (called by the shared watchdog). */
  expire(now: number): void {
    for (const entry of this.inflight) {
      if (now >= entry.deadlineAt) {
        this.inflight.delete(entry);
        entry.destroy(new Error(`timed out after ${entry.timeoutMs} ms`));
      }
    }
  }

  private tags(name: string, method: string, status: number, ok: boolean, extra?: Tags): Tags {
    // nested maps on the (interned) name and method and a numeric key: no key string built per request
    let cache = this.tagCache;
    if (extra) {
      cache = this.extraTagCache.get(extra) ?? new Map();
      this.extraTagCache.set(extra, cache);
    }
    let byMethod = cache.get(name);
    if (!byMethod) {
      byMethod = new Map();
      cache.set(name, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    const key = status * 2 + (ok ? 1 : 0);
    let tags = byStatus.get(key);
    if (!tags) {
      tags = Object.freeze({
        ...this.baseTags,
        ...extra,
        name,
        method,
        status: String(status),
        expected_response: String(ok),
      });
      byStatus.set(key, tags);
    }
    return tags;
  }

  close(): void {
    openClients.delete(this);
    this.agent.destroy();
    for (const pool of this.pools.values()) pool.destroy();
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const response = await this.send(req);
    const ok = (req.expectedStatus ?? defaultExpected)(response.status);
    const tags = this.tags(req.name, req.method ?? "GET", response.status, ok, req.tags);
    this.metrics.reqs.add(1, tags);
    this.metrics.duration.add(response.durationMs, tags);
    this.metrics.waiting.add(response.waitingMs, tags);
    this.metrics.failed.add(ok ? 0 : 1, tags);
    this.metrics.received.add(response.bytes, tags);
    return response;
  }

  private send(req: HttpRequest): Promise<HttpResponse> {
    if (this.signal.aborted) return Promise.reject(new AbortedError());
    let url: URL;
    try {
      url = new URL(req.url);
      this.allow.check(url);
    } catch (error) {
      return Promise.reject(error);
    }
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers: Record<string, string> =
      req.headers || body
        ? { ...this.defaultHeaders, ...req.headers }
        : (this.defaultHeaders as Record<string, string>);
    if (body) headers["content-length"] = String(body.length);
    const method = req.method ?? "GET";
    return new Promise((resolve, reject) => {
      const exchange: Exchange = {
        start: performance.now(),
        responseAt: 0,
        bytes: 0,
        chunks: [],
        settled: false,
        finish: (status, text, source, error) => {
          if (exchange.settled) return;
          exchange.settled = true;
          this.inflight.delete(entry);
          const end = performance.now();
          const { start, responseAt, bytes } = exchange;
          resolve(new Response(status, text, bytes, end - start, (responseAt || end) - start, source, error));
        },
        connected: (connectMs) => {
          exchange.start = performance.now();
          this.metrics.connecting.add(connectMs, this.tags(req.name, method, 0, true, req.tags));
        },
      };
      const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
      const entry: InFlight = {
        deadlineAt: performance.now() + timeoutMs,
        timeoutMs,
        abort: () => {
          if (exchange.settled) return;
          exchange.settled = true;
          this.inflight.delete(entry);
          transport.destroy(new AbortedError());
          reject(new AbortedError());
        },
        destroy: (error) => transport.destroy(error),
      };
      this.inflight.add(entry);
      let transport: { destroy(error: Error): void };
      try {
        transport =
          url.protocol === "http:"
            ? this.viaHttp1(url, method, headers, body, req, exchange)
            : sendOverHttps(
                url,
                method,
                headers,
                body,
                { agent: this.agent, keepBody: req.keepBody },
                exchange,
              );
      } catch (error) {
        this.inflight.delete(entry);
        exchange.settled = true;
        reject(error);
        return;
      }
      if (body) this.metrics.sent.add(body.length, this.tags(req.name, method, 0, true, req.tags));
    });
  }

  /** plain http on the lean client (http1.ts). */
  private viaHttp1(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    req: HttpRequest,
    x: Exchange,
  ) {
    let pool = this.pools.get(url.host);
    if (!pool) {
      pool = new Http1Pool(url.hostname, Number(url.port || 80), MAX_SOCKETS);
      this.pools.set(url.host, pool);
    }
    const head = requestHead(method, url.pathname + url.search, url.host, headers);
    return pool.request(head, body, method === "HEAD", {
      onConnected: x.connected,
      onFirstByte: () => {
        x.responseAt = performance.now();
      },
      onBody: (chunk) => {
        x.bytes += chunk.length;
        if (req.keepBody) x.chunks.push(chunk);
      },
      onEnd: (status, responseHeaders) =>
        x.finish(status, req.keepBody ? Buffer.concat(x.chunks).toString("utf8") : "", responseHeaders),
      onError: (error) => x.finish(0, "", undefined, error.message),
    });
  }
}
