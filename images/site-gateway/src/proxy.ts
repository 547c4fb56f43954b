import net from "node:net";
import type { GatewayRoute } from "./config.ts";
import { DelayLine } from "./delay-line.ts";

/**
 * A TCP forwarder that adds `rttMs` to every round trip: each direction holds data for rtt/2, and the
 * first request bytes also wait one extra rtt, which is what the TCP handshake costs on a real link.
 * Terminating TCP here lets the kernel's tbf (on the gateway's egress) do the shaping while the delay
 * stays exact and per-direction; see README.md for why this beats delaying packets.
 */
export function startDelayProxy(route: GatewayRoute, rttMs: number, host = "0.0.0.0"): Promise<net.Server> {
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
    server.listen(route.listenPort, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
