import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";

/** PEM file paths (the local cluster's), or PEM contents and a bearer token (any kubeconfig, kubeconfig-client.ts). */
export type KubeCredentials =
  | {
      readonly server: string;
      readonly caCert: string;
      readonly clientCert: string;
      readonly clientKey: string;
    }
  | {
      readonly server: string;
      readonly pem: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
      readonly token?: string;
    };

export interface KubeResponse {
  readonly status: number;
  /** the parsed JSON body (a Status object for errors). */
  readonly body: Record<string, unknown>;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
} & Record<string, unknown>;

/**
 * Just enough of a Kubernetes REST client for the test tier and the CLI's Jobs (no dependency): raw
 * requests with a client certificate or a token, discovery of a kind's resource path, server-side apply.
 */
export class KubeClient {
  private readonly agent: Agent;
  private readonly resources = new Map<string, ApiResource[]>();

  constructor(private readonly credentials: KubeCredentials) {
    const pem =
      "pem" in credentials
        ? credentials.pem
        : {
            ca: readFileSync(credentials.caCert),
            cert: readFileSync(credentials.clientCert),
            key: readFileSync(credentials.clientKey),
          };
    this.agent = new Agent({ ...pem, keepAlive: false });
  }

  get server(): string {
    return this.credentials.server;
  }

  request(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<KubeResponse> {
    const url = new URL(path, this.credentials.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            accept: "application/json",
            ...("token" in this.credentials && this.credentials.token
              ? { authorization: `Bearer ${this.credentials.token}` }
              : {}),
            ...(payload ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {}),
          },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: Record<string, unknown>;
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
            } catch {
              parsed = { text };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)));
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** GET that throws on anything but 200. */
  async get(path: string): Promise<Record<string, unknown>> {
    const res = await this.request("GET", path);
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** The REST path of an object (or of its collection when `name` is omitted). */
  async pathOf(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list = this.resources.get(apiVersion);
    if (!list) {
      const discovery = (await this.get(base)) as { resources: ApiResource[] };
      list = discovery.resources.filter((r) => !r.name.includes("/"));
      this.resources.set(apiVersion, list);
    }
    const resource = list.find((r) => r.kind === kind);
    if (!resource) throw new Error(`the API server serves no kind ${kind} in ${apiVersion}`);
    const ns = resource.namespaced ? `/namespaces/${namespace ?? "default"}` : "";
    return `${base}${ns}/${resource.name}${name ? `/${name}` : ""}`;
  }

  /** Server-side apply, as `kubectl apply --server-side --force-conflicts` would. */
  async apply(object: KubeObject, fieldManager = "sandbox-k8s-tier"): Promise<KubeResponse> {
    const name = object.metadata?.name;
    if (!name) throw new Error(`a ${object.kind} without metadata.name cannot be applied`);
    const path = await this.pathOf(object.apiVersion, object.kind, object.metadata?.namespace, name);
    return this.request(
      "PATCH",
      `${path}?fieldManager=${fieldManager}&force=true`,
      object,
      "application/apply-patch+yaml",
    );
  }
}
