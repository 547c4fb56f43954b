import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import { extname, join, normalize } from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".m3u8": "application/vnd.apple.mpegurl",
  ".ts": "video/mp2t",
  ".m4s": "video/iso.segment",
  ".mp4": "video/mp4",
};
const MAX_GENERATED_BYTES = 512 * 1024 * 1024;
const pattern = Buffer.alloc(64 * 1024, "sandbox-link-probe ");

/**
 * The sandbox-side end of a link check: GET /bytes/N sends N bytes, POST /sink counts what it receives,
 * GET /ping answers "ok", GET /files/PATH serves PATH under `root` (e.g. an HLS folder).
 */
export function startProbeServer(port: number, root?: string, host = "0.0.0.0"): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://probe");
    if (req.method === "GET" && url.pathname === "/ping") return void res.end("ok");
    const bytesMatch = /^\/bytes\/(\d+)$/.exec(url.pathname);
    if (req.method === "GET" && bytesMatch)
      return sendBytes(res, Math.min(Number(bytesMatch[1]), MAX_GENERATED_BYTES));
    if (req.method === "POST" && url.pathname === "/sink") {
      let received = 0;
      req.on("data", (chunk: Buffer) => {
        received += chunk.length;
      });
      req.on("end", () => res.end(JSON.stringify({ received })));
      return;
    }
    if (req.method === "GET" && root && url.pathname.startsWith("/files/")) {
      return void sendFile(res, root, decodeURIComponent(url.pathname.slice("/files/".length)));
    }
    res.statusCode = 404;
    res.end("not found");
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

function sendBytes(res: http.ServerResponse, total: number): void {
  res.setHeader("content-type", "application/octet-stream");
  res.setHeader("content-length", String(total));
  let left = total;
  const pump = () => {
    while (left > 0) {
      const chunk = pattern.subarray(0, Math.min(left, pattern.length));
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}

async function sendFile(res: http.ServerResponse, root: string, relative: string): Promise<void> {
  const path = normalize(join(root, relative));
  if (!path.startsWith(normalize(root))) {
    res.statusCode = 403;
    return void res.end("outside the served folder");
  }
  try {
    const info = await stat(path);
    res.setHeader("content-type", CONTENT_TYPES[extname(path)] ?? "application/octet-stream");
    res.setHeader("content-length", String(info.size));
    createReadStream(path).pipe(res);
  } catch {
    res.statusCode = 404;
    res.end("not found");
  }
}
