import { XapiError } from "./store.ts";

/** Pure: ETag preconditions on documents (xAPI 1.0.3 part 3, 1.5.3 Concurrency). */

const tags = (header: string) =>
  header.split(",").map((tag) => tag.trim().replace(/^W\//, "").replace(/^"|"$/g, ""));

export interface Preconditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
}

/**
 * Refuses a write whose If-Match / If-None-Match does not hold for the stored document (412), and a
 * PUT over an existing profile document that sends neither (409: the client must say what it overwrites).
 */
export function checkPreconditions(
  headers: Preconditions,
  current: string | undefined,
  options: { method: string; profile: boolean },
): void {
  const etag = current?.replace(/^"|"$/g, "");
  if (headers.ifMatch !== undefined) {
    const wanted = tags(headers.ifMatch);
    if (etag === undefined || !(wanted.includes("*") || wanted.includes(etag)))
      throw new XapiError(412, "If-Match does not match the document's current ETag: GET it again");
  }
  if (headers.ifNoneMatch !== undefined && etag !== undefined) {
    const unwanted = tags(headers.ifNoneMatch);
    if (unwanted.includes("*") || unwanted.includes(etag))
      throw new XapiError(412, "If-None-Match: the document already exists");
  }
  if (
    options.profile &&
    options.method === "PUT" &&
    current !== undefined &&
    headers.ifMatch === undefined &&
    headers.ifNoneMatch === undefined
  )
    throw new XapiError(
      409,
      "the document exists: send If-Match with its ETag (or If-None-Match: *) to write it",
    );
}
