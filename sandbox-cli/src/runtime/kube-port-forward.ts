/**
 * A port-forward to one pod through the API server (client-node's PortForward, as `kubectl port-forward`
 * does): a listener on 127.0.0.1 at an ephemeral port, one API server stream per accepted connection.
 */
import { createServer, type Socket } from "node:net";
import { Writable } from "node:stream";
import { type KubeConfig, PortForward } from "@kubernetes/client-node";

export interface OpenPortForward {
  /** the local port on 127.0.0.1. */
  readonly port: number;
  readonly url: string;
  /** stops listening and ends every forwarded connection. */
  close(): Promise<void>;
}

interface StreamSocket {
  close(): void;
  on(event: "close" | "error", listener: () => void): unknown;
}

/**
 * A stream's error channel (the kubelet's "connection refused" and the like) ends the connection. Its
 * first frame carries only the port number, which PortForward strips: an empty write is no error.
 */
function errorChannel(socket: Socket): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (chunk.length > 0) socket.destroy(new Error(`port-forward: ${chunk.toString("utf8").trim()}`));
      done();
    },
  });
}

export async function forwardPort(
  config: KubeConfig,
  target: { readonly namespace: string; readonly pod: string; readonly port: number },
): Promise<OpenPortForward> {
  const forward = new PortForward(config);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    forward
      .portForward(target.namespace, target.pod, [target.port], socket, errorChannel(socket), socket)
      .then(
        (opened) => {
          const ws = opened as unknown as StreamSocket;
          ws.on("close", () => socket.end());
          ws.on("error", () => socket.destroy());
          socket.on("close", () => ws.close());
        },
        () => socket.destroy(),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
