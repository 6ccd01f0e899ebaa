// The limit for webhooks on this machine: a bare `node:http` server that reads the body, checks
// the X-Hub-Signature and answers, writing nothing anywhere. No receiver that also stores the
// notification can be faster on the same cores.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { processUsage, serveParent } from "../child-process";
import { hubSignatureMatches } from "./verify-hub-signature";

const secret = process.env.INTERCOM_CLIENT_SECRET ?? "";

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const ok = hubSignatureMatches(
      secret,
      Buffer.concat(chunks),
      request.headers["x-hub-signature"],
    );
    response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
    response.end(ok ? '{"ok":true}' : '{"error":"bad signature"}');
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  serveParent({ url: `http://127.0.0.1:${port}` }, async () => processUsage());
});
