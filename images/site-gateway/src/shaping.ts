/** Pure planning of the link shaping: which interface faces the site, and the tc commands for each. */

export interface InterfaceAddress {
  readonly name: string;
  readonly address: string;
}

function ipv4ToNumber(address: string): number {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  return parts.reduce((value, part) => value * 256 + part, 0);
}

export function inSubnet(address: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const bits = Number(bitsText);
  if (!base || !Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToNumber(address) & mask) >>> 0 === (ipv4ToNumber(base) & mask) >>> 0;
}

/** Splits the gateway's interfaces into the one on the site network and the ones towards the sandbox. */
export function classifyInterfaces(
  interfaces: readonly InterfaceAddress[],
  siteSubnet: string,
): { site: string; sandbox: string[] } {
  const candidates = interfaces.filter((entry) => entry.name !== "lo" && !entry.address.startsWith("127."));
  const matches = candidates.filter((entry) => inSubnet(entry.address, siteSubnet));
  const site = matches[0];
  if (!site || matches.length !== 1) {
    throw new Error(
      `expected exactly one interface in the site subnet ${siteSubnet}, found ${matches.length} among ${candidates.map((c) => `${c.name}=${c.address}`).join(", ") || "none"}`,
    );
  }
  const sandbox = [...new Set(candidates.filter((entry) => entry !== site).map((entry) => entry.name))];
  if (sandbox.length === 0) throw new Error("the gateway is not attached to the sandbox network");
  return { site: site.name, sandbox };
}

/**
 * tbf on an interface's egress. The burst is at least 32 KiB so a GSO super-packet always fits, and
 * at least 10 ms of line rate so high rates are not starved by timer granularity; the queue holds
 * 100 ms, after which tbf drops and TCP backs off, as on a real access link.
 */
export function tbfCommand(device: string, rateKbit: number): string[] {
  const rate = Math.max(8, Math.round(rateKbit));
  const burstBytes = Math.max(32 * 1024, Math.ceil((rate * 1000) / 8 / 100));
  return [
    "qdisc",
    "replace",
    "dev",
    device,
    "root",
    "tbf",
    "rate",
    `${rate}kbit`,
    "burst",
    `${burstBytes}`,
    "latency",
    "100ms",
  ];
}

/** Downlink shapes what leaves towards the learners; uplink shapes what leaves towards the sandbox. */
export function shapingCommands(
  interfaces: { site: string; sandbox: readonly string[] },
  link: { downlinkKbit: number; uplinkKbit: number },
): string[][] {
  return [
    tbfCommand(interfaces.site, link.downlinkKbit),
    ...interfaces.sandbox.map((device) => tbfCommand(device, link.uplinkKbit)),
  ];
}
