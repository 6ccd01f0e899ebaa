// Baseline for webhooks: the receiver a competent user would build on Hull's connector framework
// (`hull` 0.14.2, express 4): the framework's middleware gives a hull-client for the connector named
// in the query, the route checks the X-Hub-Signature on the raw body, maps the conversation to a
// "User started conversation" event of its contact and answers once Hull's firehose took it
// (hull-client's batcher, flushed after 20 ms, as the connector's own writer is).
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { processUsage, serveParent } from "../child-process";
import { express, hull, quietHullLogs, type HullClient } from "./vendor-sdks";
import { hubSignatureMatches } from "./verify-hub-signature";

/** The fields of a conversation notification the webhook baselines read. */
export interface Notification {
  id?: string;
  topic?: string;
  created_at?: number;
  data?: {
    item?: {
      id?: string;
      source?: { body?: string; author?: { type?: string; id?: string } };
      contacts?: { contacts?: { id?: string }[] };
    };
  };
}

interface Request {
  body: Buffer;
  headers: Record<string, string | undefined>;
  hull: { client: HullClient };
}
interface Response {
  status(code: number): Response;
  json(body: unknown): void;
}

const secret = process.env.INTERCOM_CLIENT_SECRET ?? "";
const hullUrl = process.env.HULL_URL ?? "";

quietHullLogs();
const connector = new hull.Connector({
  hostSecret: "bench-host-secret",
  port: 0,
  connectorName: "intercom-baseline",
  clientConfig: { protocol: "http", firehoseUrl: `${hullUrl}/firehose`, flushAfter: 20 },
});
const app = express();
connector.setupApp(app);
app.post(
  "/intercom",
  express.raw({ type: "*/*", limit: "1mb" }),
  (request: Request, response: Response) => {
    if (!hubSignatureMatches(secret, request.body, request.headers["x-hub-signature"])) {
      response.status(401).json({ error: "bad signature" });
      return;
    }
    const notification = JSON.parse(request.body.toString("utf8")) as Notification;
    const item = notification.data?.item;
    const contactId = item?.contacts?.contacts?.[0]?.id ?? item?.source?.author?.id;
    if (notification.topic !== "conversation.user.created" || !contactId) {
      response.json({ ok: true, ignored: true });
      return;
    }
    request.hull.client
      .asUser({ anonymous_id: `intercom:${contactId}` })
      .track(
        "User started conversation",
        { topic: notification.topic, conversation_id: item?.id, message: item?.source?.body },
        { event_id: notification.id, source: "intercom", created_at: notification.created_at },
      )
      .then(
        () => response.json({ ok: true }),
        () => response.status(503).json({ error: "Hull did not take the event" }),
      );
  },
);
const server: Server = connector.startApp(app);
server.keepAliveTimeout = 30_000;
server.once("listening", () => {
  const { port } = server.address() as AddressInfo;
  serveParent({ url: `http://127.0.0.1:${port}` }, async () => processUsage());
});
