import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";

export interface UploadReply {
  readonly status: number;
  readonly body: string;
}

/** Streams a file as the request body (a course zip can be large: never read whole into memory). */
export async function uploadFile(
  url: URL,
  file: string,
  headers: Record<string, string>,
): Promise<UploadReply> {
  const size = (await stat(file)).size;
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", timeout: 600_000, headers: { ...headers, "content-length": String(size) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error("no answer within 10 minutes")));
    request.on("error", reject);
    createReadStream(file).on("error", reject).pipe(request);
  });
}
