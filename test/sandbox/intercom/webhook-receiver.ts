import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  headers: IncomingMessage["headers"];
  raw: string;
}

/** A local endpoint that records requests and answers with the next status from `statuses`. */
export async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  let fallback = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        headers: req.headers,
        raw: Buffer.concat(chunks).toString("utf8"),
      });
      res.statusCode = statuses.shift() ?? fallback;
      res.end();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const posts = () => received.filter((r) => r.method === "POST");
  return {
    url: `http://127.0.0.1:${port}/intercom`,
    received,
    posts,
    answer(status: number) {
      fallback = status;
    },
    /** Resolves once `count` POSTs have arrived. */
    async waitForPosts(count: number): Promise<Received[]> {
      while (posts().length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return posts();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
