import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import type Koa from "koa";

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:8082 */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Starts a Koa app on the loopback interface; port 0 picks a free port. */
export async function listen(app: Koa, port = 0, host = "127.0.0.1"): Promise<RunningServer> {
  const server = createServer(app.callback());
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("server has no TCP address");
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
