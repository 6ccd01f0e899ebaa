// The floor for webhooks that store what they receive: the bare limit's work (bare-webhooks.ts:
// read the body, check the X-Hub-Signature) plus the least a receiver must add to keep the
// notification: parse it, make the Hull event the Hull-framework receiver makes, sign its token
// and answer once Hull's firehose took it, batched as the connector batches (a request at once
// when none is in flight, the rest gathered into the next: ADR 022). node:http and node:crypto
// only; no routing, no validation, no de-duplication, no outbox, no activity log, no failure
// handling. "connector ÷ this floor" says how close the connector comes to what a storing receiver
// can reach on these cores; "floor ÷ bare limit" says what storing costs at all (issue 18).
import { createHmac } from "node:crypto";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { processUsage, serveParent } from "../child-process";
import type { Notification } from "./hull-framework-webhooks";
import { hubSignatureMatches } from "./verify-hub-signature";

const secret = process.env.INTERCOM_CLIENT_SECRET ?? "";
const firehoseUrl = `${process.env.HULL_URL ?? ""}/firehose`;
const hull = {
  id: process.env.HULL_CONNECTOR_ID ?? "",
  secret: process.env.HULL_CONNECTOR_SECRET ?? "",
  organization: process.env.HULL_ORGANIZATION ?? "",
};
const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

interface Waiting {
  json: string;
  done(ok: boolean): void;
}
let gathered: Waiting[] = [];
let inFlight = false;

/** Posts what gathered; the entries written meanwhile go in the next request. */
function post(): void {
  if (inFlight || gathered.length === 0) return;
  const batch = gathered;
  gathered = [];
  inFlight = true;
  const timestamp = new Date().toISOString();
  const body = `{"batch":[${batch.map((one) => one.json).join(",")}],"timestamp":"${timestamp}","sentAt":"${timestamp}"}`;
  const settle = (ok: boolean) => {
    for (const one of batch) one.done(ok);
    inFlight = false;
    post();
  };
  const sent = request(
    firehoseUrl,
    {
      method: "POST",
      agent,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "Hull-App-Id": hull.id,
        "Hull-Access-Token": hull.secret,
        "Hull-Organization": hull.organization,
      },
    },
    (response) => {
      response.resume();
      response.on("end", () => settle((response.statusCode ?? 500) < 300));
    },
  );
  sent.on("error", () => settle(false));
  sent.end(body);
}

/** The Hull-framework receiver's event, as one signed firehose entry (JSON). */
function entryOf(notification: Notification, contactId: string): string {
  const now = new Date();
  const payload = JSON.stringify({
    iss: hull.id,
    "io.hull.asUser": { anonymous_id: `intercom:${contactId}` },
    "io.hull.subjectType": "user",
    iat: Math.floor(now.getTime() / 1000),
  });
  const signed = `${HEADER}.${Buffer.from(payload).toString("base64url")}`;
  const token = `${signed}.${createHmac("sha256", hull.secret).update(signed).digest("base64url")}`;
  const item = notification.data?.item;
  return JSON.stringify({
    type: "track",
    body: {
      ip: null,
      url: null,
      referer: null,
      event: "User started conversation",
      properties: {
        topic: notification.topic,
        conversation_id: item?.id,
        message: item?.source?.body,
      },
      event_id: notification.id,
      source: "intercom",
      created_at: new Date((notification.created_at ?? 0) * 1000).toISOString(),
    },
    headers: { "Hull-Access-Token": token },
    timestamp: now.toISOString(),
  });
}

const server = createServer((incoming, response) => {
  const chunks: Buffer[] = [];
  incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
  incoming.on("end", () => {
    const raw = Buffer.concat(chunks);
    const answer = (status: number, body: string) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(body);
    };
    if (!hubSignatureMatches(secret, raw, incoming.headers["x-hub-signature"])) {
      answer(401, '{"error":"bad signature"}');
      return;
    }
    const notification = JSON.parse(raw.toString("utf8")) as Notification;
    const item = notification.data?.item;
    const contactId = item?.contacts?.contacts?.[0]?.id ?? item?.source?.author?.id;
    if (notification.topic !== "conversation.user.created" || !contactId) {
      answer(200, '{"ok":true,"ignored":true}');
      return;
    }
    gathered.push({
      json: entryOf(notification, contactId),
      done: (ok) =>
        ok ? answer(200, '{"ok":true}') : answer(503, '{"error":"Hull did not take the event"}'),
    });
    post();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  serveParent({ url: `http://127.0.0.1:${port}` }, async () => processUsage());
});
