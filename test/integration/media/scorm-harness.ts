import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".vtt": "text/vtt",
  ".m3u8": "application/vnd.apple.mpegurl",
  ".ts": "video/mp2t",
  ".xml": "application/xml",
  ".txt": "text/plain",
};

/**
 * A stand-in LMS frame for SCO tests: it exposes a SCORM 1.2 `API` object recording every call in
 * `window.calls`, and loads the SCO named by `?sco=` in an iframe.
 */
const LMS_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>test LMS</title><script>
window.calls = [];
const data = { "cmi.core.lesson_status": "not attempted", "cmi.student_data.mastery_score": "80" };
const record = (name, result) => (...args) => { window.calls.push([name, ...args]); return result(...args); };
window.API = {
  LMSInitialize: record("LMSInitialize", () => "true"),
  LMSFinish: record("LMSFinish", () => "true"),
  LMSGetValue: record("LMSGetValue", (key) => data[key] ?? ""),
  LMSSetValue: record("LMSSetValue", (key, value) => { data[key] = value; return "true"; }),
  LMSCommit: record("LMSCommit", () => "true"),
  LMSGetLastError: () => "0",
  LMSGetErrorString: () => "",
  LMSGetDiagnostic: () => "",
};
</script></head><body><iframe id="sco" style="width:1300px;height:900px"></iframe><script>
document.getElementById("sco").src = new URLSearchParams(location.search).get("sco");
</script></body></html>`;

export interface PackageServer {
  baseUrl: string;
  close(): Promise<void>;
}

/** Serves an unpacked course on 127.0.0.1 (an ephemeral port), plus the stand-in LMS at /__lms.html. */
export async function servePackage(root: string): Promise<PackageServer> {
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    if (path === "/__lms.html") {
      response.writeHead(200, { "content-type": MIME[".html"] as string }).end(LMS_PAGE);
      return;
    }
    const file = normalize(join(root, path));
    const info = file.startsWith(root) ? await stat(file).catch(() => undefined) : undefined;
    if (!info?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      "content-type": MIME[extname(file)] ?? "application/octet-stream",
      "content-length": info.size,
    });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
