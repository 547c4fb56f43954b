/** Thrown by a component before it creates anything: names the bad argument and the fix. */
export class ComponentArgsError extends Error {
  constructor(
    readonly component: string,
    readonly problems: readonly string[],
  ) {
    super(`${component}: invalid arguments:\n  - ${problems.join("\n  - ")}`);
    this.name = "ComponentArgsError";
  }
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export const dnsLabelProblem = (what: string, value: string) =>
  DNS_LABEL.test(value)
    ? []
    : [`${what} "${value}" must be a DNS label (a-z, 0-9, '-', at most 63 characters)`];

export const dnsNameProblem = (what: string, value: string) =>
  DNS_SUBDOMAIN.test(value) ? [] : [`${what} "${value}" must be a DNS name such as sandbox.example.internal`];

export function throwIfProblems(component: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new ComponentArgsError(component, problems);
}

/**
 * A builder's manifest as a Pulumi resource's args. kubernetes-models types quantities as
 * `string | number` while Pulumi wants strings; the builders always write strings.
 */
export const asArgs = <T>(manifest: object): T => manifest as T;
