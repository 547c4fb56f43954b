import type { HttpResponse } from "../lib/http.ts";
import type { VuBinding } from "./binding.ts";
import { parseK6Duration } from "./durations.ts";

/** k6/http on the engine's HTTP client: every request passes the run's interlock; redirects are followed. */
type Params = {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  timeout?: string | number;
  cookies?: Record<string, string | { value: string }>;
  redirects?: number;
  responseType?: "text" | "binary" | "none";
  responseCallback?: (status: number) => boolean;
};
type Body = string | ArrayBuffer | Record<string, unknown> | null | undefined;
type BatchItem =
  | string
  | [string, string, Body?, Params?]
  | { method: string; url: string; body?: Body; params?: Params };

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `Content-Type`, as k6 shows header names. */
const canonical = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());

function parseSetCookie(lines: readonly string[]) {
  const cookies: Record<string, { name: string; value: string; max_age: number }[]> = {};
  for (const line of lines) {
    const [pair = "", ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const maxAge = attrs.map((a) => /^\s*max-age=(-?\d+)/i.exec(a)?.[1]).find((v) => v !== undefined);
    const list = cookies[name] ?? [];
    list.push({ name, value: pair.slice(eq + 1).trim(), max_age: Number(maxAge ?? 0) });
    cookies[name] = list;
  }
  return cookies;
}

function encodeBody(body: Body, headers: Record<string, string>): string | Buffer | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  return new URLSearchParams(
    Object.entries(body).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
}

const NO_COOKIES: ReturnType<typeof parseSetCookie> = Object.freeze({});

/** A response as k6 shows it; headers and cookies are built when first read (most scripts never do). */
export class K6Response {
  #headers: Record<string, string> | undefined;
  #cookies: ReturnType<typeof parseSetCookie> | undefined;
  readonly #raw: HttpResponse;
  readonly timings: Record<string, number>;
  readonly status_text: string;
  readonly error: string;
  readonly error_code: number;
  constructor(
    readonly url: string,
    readonly request: { method: string; url: string; headers: Record<string, string>; body: string },
    raw: HttpResponse,
    readonly body: string | null,
  ) {
    this.#raw = raw;
    this.timings = {
      duration: raw.durationMs,
      waiting: raw.waitingMs,
      receiving: Math.max(0, raw.durationMs - raw.waitingMs),
      sending: 0,
      connecting: 0,
      blocked: 0,
      tls_handshaking: 0,
    };
    this.status = raw.status;
    this.status_text = raw.status ? `${raw.status} ${STATUS_TEXT[raw.status] ?? ""}`.trim() : "";
    this.error = raw.error ?? "";
    this.error_code = raw.error ? 1000 : raw.status >= 400 ? 1000 + raw.status : 0;
  }
  readonly status: number;
  get headers(): Record<string, string> {
    if (!this.#headers) {
      this.#headers = {};
      for (const [k, v] of Object.entries(this.#raw.headers))
        this.#headers[canonical(k)] = Array.isArray(v) ? v.join(", ") : String(v ?? "");
    }
    return this.#headers;
  }
  get cookies(): ReturnType<typeof parseSetCookie> {
    const lines = this.#raw.headers["set-cookie"];
    this.#cookies ??= lines ? parseSetCookie(([] as string[]).concat(lines)) : NO_COOKIES;
    return this.#cookies;
  }
  /** JSON.stringify(res) shows what k6's response shows, headers and cookies included. */
  toJSON() {
    return { ...this, headers: this.headers, cookies: this.cookies };
  }
  json(selector?: string): unknown {
    const value = JSON.parse(this.body ?? "");
    if (!selector) return value;
    return selector
      .split(".")
      .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
  }
  html(): never {
    throw new Error("res.html() is not supported by this engine: read res.body, or res.json() for JSON");
  }
}

export function httpModule(vu: VuBinding, defaults: { maxRedirects: number }) {
  let expected: (status: number) => boolean = (s) => s >= 200 && s < 400;

  function cookieHeader(url: URL, params: Params | undefined): string | undefined {
    if (!params?.cookies && !vu.jar.get(url.host)?.size) return undefined;
    const jar = new Map(vu.jar.get(url.host));
    for (const [name, c] of Object.entries(params?.cookies ?? {}))
      jar.set(name, typeof c === "string" ? c : c.value);
    return jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : undefined;
  }

  function keepCookies(url: URL, response: K6Response): void {
    if (response.cookies === NO_COOKIES) return;
    const jar = vu.jar.get(url.host) ?? new Map<string, string>();
    for (const list of Object.values(response.cookies))
      for (const c of list) c.max_age < 0 || c.value === "" ? jar.delete(c.name) : jar.set(c.name, c.value);
    vu.jar.set(url.host, jar);
  }

  async function request(method: string, target: string, body?: Body, params?: Params): Promise<K6Response> {
    const ctx = vu.need(`http.${method.toLowerCase()}()`);
    const url = new URL(String(target));
    const headers: Record<string, string> = { ...params?.headers };
    if (url.username || url.password) {
      headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
      url.username = "";
      url.password = "";
    }
    const cookie = cookieHeader(url, params);
    if (cookie && !Object.keys(headers).some((h) => h.toLowerCase() === "cookie")) headers.Cookie = cookie;
    const payload = encodeBody(body, headers);
    const name = params?.tags?.name ?? String(target);
    const raw = await ctx.http.request({
      method,
      url: url.href,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      name,
      keepBody: params?.responseType !== "none",
      tags: vu.tags(params?.tags),
      expectedStatus: params?.responseCallback ?? expected,
      ...(params?.timeout !== undefined
        ? { timeoutMs: parseK6Duration(params.timeout, "timeout") * 1000 }
        : {}),
    });
    const sent = { method, url: url.href, headers, body: typeof payload === "string" ? payload : "" };
    const response = new K6Response(url.href, sent, raw, params?.responseType === "none" ? null : raw.body);
    keepCookies(url, response);
    const redirects = params?.redirects ?? defaults.maxRedirects;
    const location = REDIRECTS.has(raw.status) && redirects > 0 ? response.headers.Location : undefined;
    if (location) {
      const keepMethod = raw.status === 307 || raw.status === 308;
      return request(
        keepMethod ? method : "GET",
        new URL(location, url).href,
        keepMethod ? body : undefined,
        {
          ...params,
          redirects: redirects - 1,
        },
      );
    }
    return response;
  }

  const batchOne = (item: BatchItem) =>
    typeof item === "string"
      ? request("GET", item)
      : Array.isArray(item)
        ? request(item[0], item[1], item[2], item[3])
        : request(item.method, item.url, item.body, item.params);

  const module = {
    request,
    get: (url: string, params?: Params) => request("GET", url, undefined, params),
    head: (url: string, params?: Params) => request("HEAD", url, undefined, params),
    options: (url: string, body?: Body, params?: Params) => request("OPTIONS", url, body, params),
    post: (url: string, body?: Body, params?: Params) => request("POST", url, body, params),
    put: (url: string, body?: Body, params?: Params) => request("PUT", url, body, params),
    patch: (url: string, body?: Body, params?: Params) => request("PATCH", url, body, params),
    del: (url: string, body?: Body, params?: Params) => request("DELETE", url, body, params),
    async batch(items: BatchItem[] | Record<string, BatchItem>) {
      if (Array.isArray(items)) return Promise.all(items.map(batchOne));
      const entries = await Promise.all(Object.entries(items).map(async ([k, v]) => [k, await batchOne(v)]));
      return Object.fromEntries(entries);
    },
    cookieJar: () => ({
      set(url: string, name: string, value: string) {
        const host = new URL(url).host;
        const jar = vu.jar.get(host) ?? new Map<string, string>();
        jar.set(name, value);
        vu.jar.set(host, jar);
      },
      cookiesForURL(url: string) {
        return Object.fromEntries([...(vu.jar.get(new URL(url).host) ?? [])].map(([k, v]) => [k, [v]]));
      },
      clear(url: string) {
        vu.jar.delete(new URL(url).host);
      },
    }),
    expectedStatuses(...ranges: (number | { min: number; max: number })[]) {
      return (status: number) =>
        ranges.some((r) => (typeof r === "number" ? r === status : status >= r.min && status <= r.max));
    },
    setResponseCallback(callback: (status: number) => boolean) {
      expected = callback;
    },
  };
  return { ...module, default: module };
}
