import net from "node:net";
import type { GatewayRoute } from "./config.ts";
import { DelayLine } from "./delay-line.ts";

/**
 * Bytes one direction of one connection may hold: twice what the fastest direction carries in one RTT
 * (the delay stage must never be what limits throughput), at least 256 KiB, at most 8 MiB, so a few
 * hundred learners' connections fit in the gateway's memory.
 */
export function maxBufferedBytes(link: { downlinkKbit: number; uplinkKbit: number; rttMs: number }): number {
  const perRtt = (Math.max(link.downlinkKbit, link.uplinkKbit) * 1000 * link.rttMs) / 8 / 1000;
  return Math.min(8 * 1024 * 1024, Math.max(256 * 1024, Math.ceil(2 * perRtt)));
}

/**
 * A TCP forwarder that adds `rttMs` to every round trip: each direction holds data for rtt/2, and the
 * first request bytes also wait one extra rtt, which is what the TCP handshake costs on a real link.
 * Terminating TCP here lets the kernel's tbf (on the gateway's egress) do the shaping while the delay
 * stays exact and per-direction; see README.md for why this beats delaying packets.
 */
export function startDelayProxy(
  route: GatewayRoute,
  rttMs: number,
  options: { host?: string; maxBufferedBytes?: number } = {},
): Promise<net.Server> {
  const oneWay = rttMs / 2;
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    const openedAt = performance.now();
    const upstream = net.connect({ host: route.upstreamHost, port: route.upstreamPort, allowHalfOpen: true });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const lines = [
      new DelayLine(client, upstream, oneWay, openedAt + rttMs),
      new DelayLine(upstream, client, oneWay),
    ];
    const teardown = () => {
      for (const line of lines) line.dispose();
      client.destroy();
      upstream.destroy();
    };
    client.on("error", teardown);
    upstream.on("error", teardown);
    let closed = 0;
    const onClose = () => {
      closed += 1;
      if (closed === 2) teardown();
    };
    client.on("close", onClose);
    upstream.on("close", onClose);
    client.resume();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(route.listenPort, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
