// Redis away, silent or stalled, on demand, for the tests of docs/adr/029: a proxy in front of the
// real Redis, a closed port and a server that never answers. Nothing here measures time.
import type { Redis } from "ioredis";
import { connect, createServer, type Server, type Socket } from "node:net";

/** The real Redis the tests run against (CI and the sandbox start one there). */
export const REDIS = { host: "127.0.0.1", port: 6379 };

/** How a {@link RedisProxy} treats what clients send. */
export type ProxyMode = "pass" | "drop" | "hold" | "refuse";

export interface RedisProxy {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** `redis://127.0.0.1:<port>`: give it to the connector instead of Redis's own URL. */
  url: string;
  /**
   * "pass": bytes go through; "drop": what clients send is thrown away (Redis silent: a
   * partition); "hold": it is kept to be passed on later, in order, by `wake()` (a stalled server
   * that wakes, as `kill -STOP` and `-CONT` make one); "refuse": new connections are closed at once
   * (Redis down; pair it with `cutClients()` to end the open ones).
   */
  mode: ProxyMode;
  /** Back to "pass", first passing on what was held, in the order it was sent. */
  wake(): void;
  /** Ends every open client connection (and its connection to Redis). */
  cutClients(): void;
  /**
   * From the first client chunk that contains `marker` (a RESP fragment, e.g. a job id), that
   * chunk included, Redis is away: "hold" stalls there, "refuse" drops the chunk and ends every
   * connection (down). An outage that starts at an exact command, after the ones before it were
   * answered. Resolves once it has started. One marker at a time.
   */
  awayFrom(marker: string, mode: "hold" | "refuse"): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy to the real Redis (`REDIS`) that a test switches between the modes of
 * {@link ProxyMode}. Resolves once it listens on a free port of 127.0.0.1; never rejects.
 */
export function startRedisProxy(): Promise<RedisProxy> {
  const clients = new Set<Socket>();
  const held: { upstream: Socket; chunk: Buffer }[] = [];
  let trigger: { marker: Buffer; mode: "hold" | "refuse"; started: () => void } | undefined;
  const server: Server = createServer((client) => {
    if (proxy.mode === "refuse") {
      client.destroy();
      return;
    }
    clients.add(client);
    const upstream = connect(REDIS);
    const end = () => {
      client.destroy();
      upstream.destroy();
      clients.delete(client);
    };
    client.on("data", (chunk) => {
      if (trigger && chunk.includes(trigger.marker)) {
        proxy.mode = trigger.mode;
        if (trigger.mode === "refuse") proxy.cutClients();
        trigger.started();
        trigger = undefined;
      }
      if (proxy.mode === "pass") upstream.write(chunk);
      else if (proxy.mode === "hold") held.push({ upstream, chunk });
    });
    upstream.on("data", (chunk) => client.write(chunk));
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  const proxy: RedisProxy = {
    port: 0,
    url: "",
    mode: "pass",
    wake() {
      for (const { upstream, chunk } of held.splice(0)) upstream.write(chunk);
      proxy.mode = "pass";
    },
    cutClients() {
      for (const socket of clients) socket.destroy();
    },
    awayFrom(marker, mode) {
      return new Promise<void>((resolve) => {
        trigger = { marker: Buffer.from(marker), mode, started: resolve };
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.cutClients();
        server.close(() => resolve());
      }),
  };
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      proxy.port = (server.address() as { port: number }).port;
      proxy.url = `redis://127.0.0.1:${proxy.port}`;
      resolve(proxy);
    }),
  );
}

/** A port nothing listens on (it was free a moment ago): Redis unreachable. Never rejects. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A server that accepts connections and never answers a byte: Redis hung. Never rejects. */
export function startSilentServer(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close() {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    ),
  );
}

/**
 * Ends a suite that ran a connector through `proxy`: wakes the proxy (so no close waits on a held
 * command), closes `app` and then the proxy, deletes the suite's keys under `prefix` with `plain`
 * (a direct connection) and quits it. Parts a failed set-up never made may be undefined.
 */
export async function closeBehindProxy(parts: {
  proxy: RedisProxy | undefined;
  app: { close(): Promise<void> } | undefined;
  plain: Redis;
  prefix: string;
}): Promise<void> {
  const { proxy, app, plain, prefix } = parts;
  proxy?.wake();
  await app?.close();
  await proxy?.close();
  const left = await plain.keys(`${prefix}*`);
  if (left.length > 0) await plain.del(...left);
  await plain.quit();
}
