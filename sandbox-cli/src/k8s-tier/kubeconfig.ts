import { stringify } from "yaml";

export interface KubeconfigArgs {
  readonly server: string;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly user: string;
  readonly context: string;
}

/** A kubeconfig (YAML text) with one cluster, one client-certificate user and one current context. */
export function kubeconfigYaml(a: KubeconfigArgs): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: a.context, cluster: { server: a.server, "certificate-authority": a.caCert } }],
    users: [{ name: a.user, user: { "client-certificate": a.clientCert, "client-key": a.clientKey } }],
    contexts: [{ name: a.context, context: { cluster: a.context, user: a.user } }],
    "current-context": a.context,
  });
}
