import net from "node:net";

/**
 * A lean HTTP/1.1 client for plain `http:` (https stays on node:https): keep-alive connections per host,
 * one request at a time on each, the request head written as one string, the response parsed here
 * (status line, headers, Content-Length, chunked or close-delimited bodies). Profiled: node:http's
 * ClientRequest, agent and parser machinery cost the runner more CPU than the rest of a request's work.
 */
export type Http1Headers = Record<string, string | string[]>;

export interface Http1Callbacks {
  /** a fresh connection was opened for this request, after `connectMs`. */
  onConnected(connectMs: number): void;
  /** the first byte of the response arrived. */
  onFirstByte(): void;
  onBody(chunk: Buffer): void;
  onEnd(status: number, headers: Http1Headers): void;
  onError(error: Error): void;
}

interface Pending {
  readonly head: string;
  readonly body: Buffer | undefined;
  readonly noBody: boolean;
  readonly cb: Http1Callbacks;
  connection?: Connection;
  firstByte: boolean;
  done: boolean;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

/** Builds a request head; refuses header names and values that would split it (as node:http does). */
export function requestHead(method: string, path: string, host: string, headers: Record<string, string>) {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n`;
  for (const name in headers) {
    const value = String(headers[name]);
    if (/[\r\n:]/.test(name) || /[\r\n]/.test(value))
      throw new TypeError(`Invalid character in header "${name}"`);
    head += `${name}: ${value}\r\n`;
  }
  if (/[\s]/.test(path)) throw new TypeError(`Request path contains unescaped characters: ${path}`);
  return `${head}\r\n`;
}

class Connection {
  readonly socket: net.Socket;
  current: Pending | undefined;
  private buffered: Buffer | undefined;
  private state: "head" | "length" | "chunk-size" | "chunk" | "chunk-end" | "trailers" | "close" = "head";
  private left = 0;
  private status = 0;
  private headers: Http1Headers = {};
  private keepAlive = true;

  constructor(
    private readonly pool: Http1Pool,
    host: string,
    port: number,
  ) {
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => this.data(chunk));
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => {
      if (this.current && this.state === "close") this.complete();
      else this.fail(new Error("socket hang up"));
      pool.forget(this);
    });
  }

  send(pending: Pending): void {
    this.current = pending;
    pending.connection = this;
    this.state = "head";
    this.status = 0;
    this.headers = {};
    if (pending.body) {
      this.socket.cork();
      this.socket.write(pending.head, "latin1");
      this.socket.write(pending.body);
      this.socket.uncork();
    } else this.socket.write(pending.head, "latin1");
  }

  private fail(error: Error): void {
    const pending = this.current;
    this.current = undefined;
    this.socket.destroy();
    if (pending && !pending.done) {
      pending.done = true;
      pending.cb.onError(error);
    }
  }

  private complete(): void {
    const pending = this.current as Pending;
    this.current = undefined;
    pending.done = true;
    pending.cb.onEnd(this.status, this.headers);
    if (this.keepAlive && !this.socket.destroyed) this.pool.release(this);
    else this.socket.destroy();
  }

  private data(chunk: Buffer): void {
    if (!this.current) {
      this.socket.destroy(); // nothing asked: a server talking out of turn
      return;
    }
    let buf: Buffer = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    this.buffered = undefined;
    if (!this.current.firstByte) {
      this.current.firstByte = true;
      this.current.cb.onFirstByte();
    }
    try {
      while (this.current && buf.length > 0) {
        const used = this.step(buf);
        if (used < 0) {
          this.buffered = buf; // an incomplete line: wait for more
          return;
        }
        buf = buf.subarray(used);
      }
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /** Consumes from `buf`; returns the bytes used, or -1 when a line is incomplete. */
  private step(buf: Buffer): number {
    const pending = this.current as Pending;
    switch (this.state) {
      case "head": {
        const end = buf.indexOf(CRLFCRLF);
        if (end < 0) return -1;
        this.parseHead(buf.toString("latin1", 0, end));
        if (this.status >= 100 && this.status < 200) {
          this.status = 0; // an interim response: the real one follows
          return end + 4;
        }
        this.bodyMode(pending);
        if (this.state === "head") this.complete();
        return end + 4;
      }
      case "length":
      case "chunk":
      case "close": {
        const take = this.state === "close" ? buf.length : Math.min(this.left, buf.length);
        pending.cb.onBody(buf.subarray(0, take));
        this.left -= take;
        if (this.state === "length" && this.left === 0) {
          this.state = "head";
          this.complete();
        } else if (this.state === "chunk" && this.left === 0) this.state = "chunk-end";
        return take;
      }
      case "chunk-end": {
        if (buf.length < 2) return -1;
        this.state = "chunk-size";
        return 2;
      }
      case "chunk-size": {
        const end = buf.indexOf("\r\n");
        if (end < 0) return -1;
        this.left = Number.parseInt(buf.toString("latin1", 0, end).split(";")[0] as string, 16);
        if (!Number.isFinite(this.left)) throw new Error("bad chunk size");
        this.state = this.left === 0 ? "trailers" : "chunk";
        return end + 2;
      }
      case "trailers": {
        const end = buf.indexOf("\r\n");
        if (end < 0) return -1;
        if (end === 0) {
          this.state = "head";
          this.complete();
        }
        return end + 2;
      }
    }
  }

  private parseHead(text: string): void {
    const lines = text.split("\r\n");
    const statusLine = lines[0] ?? "";
    this.status = Number(statusLine.slice(9, 12));
    if (!(this.status >= 100 && this.status < 600)) throw new Error(`bad status line "${statusLine}"`);
    this.keepAlive = !statusLine.startsWith("HTTP/1.0");
    const headers: Http1Headers = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const existing = headers[name];
      if (name === "set-cookie") headers[name] = [...((existing as string[] | undefined) ?? []), value];
      else headers[name] = existing === undefined ? value : `${existing}, ${value}`;
    }
    const connection = String(headers.connection ?? "").toLowerCase();
    if (connection === "close") this.keepAlive = false;
    else if (connection === "keep-alive") this.keepAlive = true;
    this.headers = headers;
  }

  private bodyMode(pending: Pending): void {
    const length = this.headers["content-length"];
    if (pending.noBody || this.status === 204 || this.status === 304) this.state = "head";
    else if (
      String(this.headers["transfer-encoding"] ?? "")
        .toLowerCase()
        .includes("chunked")
    )
      this.state = "chunk-size";
    else if (length !== undefined) {
      this.left = Number(length);
      this.state = this.left > 0 ? "length" : "head";
    } else {
      this.state = "close";
      this.keepAlive = false;
    }
  }
}

/** The connections of one client to one host:port: at most `maxSockets` at once, the rest queue. */
export class Http1Pool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly queue: Pending[] = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
  ) {}

  /** Sends a request; returns how to destroy it (an abort, or a timeout). */
  request(head: string, body: Buffer | undefined, noBody: boolean, cb: Http1Callbacks) {
    const pending: Pending = { head, body, noBody, cb, firstByte: false, done: false };
    this.dispatch(pending);
    return {
      destroy: (error: Error) => {
        if (pending.done) return;
        pending.done = true;
        const queued = this.queue.indexOf(pending);
        if (queued >= 0) this.queue.splice(queued, 1);
        pending.connection?.socket.destroy();
        cb.onError(error);
      },
    };
  }

  private dispatch(pending: Pending): void {
    const connection = this.idle.pop();
    if (connection) {
      connection.send(pending);
      return;
    }
    if (this.all.size >= this.maxSockets) {
      this.queue.push(pending);
      return;
    }
    const fresh = new Connection(this, this.host, this.port);
    this.all.add(fresh);
    const started = performance.now();
    fresh.socket.once("connect", () => {
      if (!pending.done) pending.cb.onConnected(performance.now() - started);
    });
    fresh.send(pending);
  }

  release(connection: Connection): void {
    const next = this.queue.shift();
    if (next) connection.send(next);
    else this.idle.push(connection);
  }

  forget(connection: Connection): void {
    this.all.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    const next = this.queue.shift();
    if (next) this.dispatch(next);
  }

  destroy(): void {
    for (const connection of this.all) connection.socket.destroy();
  }
}
