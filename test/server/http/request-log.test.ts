// One info line per webhook was the largest log cost of a busy workspace: the Intercom route logs
// its notifications at debug, and the request line of a successful one must follow it, while a
// refused or failed webhook, and every other route, keeps its info line.
import { Writable } from "node:stream";
import Koa from "koa";
import { afterEach, describe, expect, it } from "vitest";
import { handleErrors } from "../../../server/http/errors-middleware";
import { intercomWebhookRoutes } from "../../../server/http/intercom-webhook";
import type { NotificationReceiver } from "../../../server/incoming/webhook/receive-notification";
import { createLogger } from "../../../server/log";
import { conversationNotification, hubSignature } from "../../helpers/intercom-webhooks";

const SECRET = "client-secret";
let server: ReturnType<Koa["listen"]> | undefined;
afterEach(() => server?.close());

/** The connector's HTTP stack with the Intercom route, logging at `level` into `lines`. */
async function startApp(level: string) {
  const lines: { level: number; msg: string; path?: string; status?: number }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString("utf8")));
      done();
    },
  });
  const logger = createLogger(level, destination);
  const receiver: NotificationReceiver = {
    receive: async () => ({ outcome: "written" }),
  } as unknown as NotificationReceiver;
  const app = new Koa();
  app.use(handleErrors(logger));
  const router = intercomWebhookRoutes({ intercomClientSecret: SECRET, receiver, logger });
  app.use(router.routes());
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server!.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const requestLines = () => lines.filter((line) => line.msg === "request");
  return { base, requestLines };
}

const post = (base: string, body: string, signature: string) =>
  fetch(`${base}/intercom`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature": signature },
    body,
  });

describe("the request line", () => {
  it("is not written at info for a webhook Intercom's route took", async () => {
    const { base, requestLines } = await startApp("info");
    const body = JSON.stringify(conversationNotification("app1", "contact1", "Hello"));
    expect((await post(base, body, hubSignature(body, SECRET))).status).toBe(200);
    await fetch(`${base}/other`);
    expect(requestLines().map((line) => line.path)).toEqual(["/other"]);
  });

  it("is written at debug for a webhook Intercom's route took", async () => {
    const { base, requestLines } = await startApp("debug");
    const body = JSON.stringify(conversationNotification("app1", "contact1", "Hello"));
    expect((await post(base, body, hubSignature(body, SECRET))).status).toBe(200);
    expect(requestLines()).toMatchObject([{ level: 20, path: "/intercom", status: 200 }]);
  });

  it("is written at info for a webhook the route refused", async () => {
    const { base, requestLines } = await startApp("info");
    const body = JSON.stringify(conversationNotification("app1", "contact1", "Hello"));
    expect((await post(base, body, "sha1=0000")).status).toBe(401);
    expect(requestLines()).toMatchObject([{ level: 30, path: "/intercom", status: 401 }]);
  });
});
