import { randomUUID } from "node:crypto";
import { LmsClient } from "./client.ts";
import { type LmsStack, startLmsStack } from "./stack.ts";

/** A running LMS with an xAPI client credential, and requests to its LRS as a conformance suite sends them. */
export interface Lrs {
  readonly stack: LmsStack;
  readonly admin: LmsClient;
  readonly auth: string;
  call(method: string, path: string, options?: CallOptions): Promise<LrsReply>;
}

export interface CallOptions {
  readonly json?: unknown;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** leave the X-Experience-API-Version header out. */
  readonly noVersion?: boolean;
  readonly auth?: string | null;
}

export interface LrsReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read loosely shaped JSON answers
  readonly json: any;
}

export async function createClient(admin: LmsClient, scopes: string[] = ["all"], name = "conformance") {
  const made = await admin.request("POST", "/api/admin/xapi-clients", { json: { name, scopes } });
  if (made.status !== 201) throw new Error(`client: ${made.status} ${made.text}`);
  return {
    ...(made.json as { key: string; secret: string; endpoint: string }),
    auth: `Basic ${Buffer.from(`${made.json.key}:${made.json.secret}`).toString("base64")}`,
  };
}

export async function startLrs(env: readonly string[] = []): Promise<Lrs> {
  const stack = await startLmsStack({ env });
  const admin = new LmsClient(stack.baseUrl);
  await admin.login(stack.admin.username, stack.admin.password);
  const { auth } = await createClient(admin);
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<LrsReply> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (!options.noVersion) headers["x-experience-api-version"] ??= "1.0.3";
    const credential = options.auth === undefined ? auth : options.auth;
    if (credential) headers.authorization = credential;
    let body: string | Buffer | undefined = options.body;
    if (options.json !== undefined) {
      headers["content-type"] ??= "application/json";
      body = JSON.stringify(options.json);
    }
    const response = await fetch(`${stack.baseUrl}/xapi/${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return { stack, admin, auth, call };
}

export const ACTOR = { objectType: "Agent", name: "Ann", mbox: "mailto:ann@example.com" };
export const VERB = { id: "http://adlnet.gov/expapi/verbs/attempted", display: { "en-US": "attempted" } };

/** The spec's smallest valid statement, with a fresh activity id unless one is given. */
export const statement = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  actor: ACTOR,
  verb: VERB,
  object: { objectType: "Activity", id: `http://example.com/activities/${randomUUID()}` },
  ...extra,
});

export const query = (params: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [
      k,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  ).toString();
