/** A tiny HTTP client that keeps the session cookie, as a browser would. */
export class LmsClient {
  private cookie = "";
  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    options: { json?: unknown; body?: Uint8Array | string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.cookie) headers.cookie = this.cookie;
    let body: RequestInit["body"];
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    } else if (options.body !== undefined) {
      body = options.body as RequestInit["body"];
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: "manual" });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0] ?? "";
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: tests read loosely shaped JSON answers
    return { status: response.status, headers: response.headers, text, json: json as any, setCookie };
  }

  async login(username: string, password: string) {
    const response = await this.request("POST", "/api/login", { json: { username, password } });
    if (response.status !== 200)
      throw new Error(`login as ${username} failed: ${response.status} ${response.text}`);
    return response;
  }

  install(zip: Uint8Array, query = "") {
    return this.request("POST", `/api/courses${query}`, {
      body: zip,
      headers: { "content-type": "application/zip" },
    });
  }
}
