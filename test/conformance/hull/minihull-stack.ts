// The real connector installed on minihull (Hull's own fake of its platform) instead of our Hull
// stand-in, with the Intercom stand-in behind it.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jwt from "jsonwebtoken";
import { startIntercomSandbox, type IntercomSandbox } from "../../../sandbox/intercom/index";
import { loadConfig } from "../../../server/config";
import { createLogger } from "../../../server/log";
import { startConnector, type RunningConnector } from "../../../server/main";
import { MiniHullClass, type MiniHull } from "./hull-packages";

export interface MinihullStack {
  minihull: MiniHull;
  intercom: IntercomSandbox;
  connector: RunningConnector;
  /** The installed connector's credentials, as minihull puts them on connector URLs. */
  credentials: { id: string; organization: string; secret: string };
  credentialsQuery: string;
  /** The connector object as minihull holds it. */
  stored(): { private_settings?: Record<string, unknown>; settings?: Record<string, unknown> };
  /** Requests the connector made to minihull (minihull's own log). */
  requestsTo(
    method: string,
    pathPrefix: string,
  ): { url: string; body: unknown; headers: Record<string, string> }[];
  /** Signs a notification as Hull's smart-notifier does; the key is served as Hull serves it. */
  signedHeaders(notificationId: string): Record<string, string>;
  keyUrl: string;
  /** Another connector process on the same configuration (scale-out with REDIS_URL). */
  startExtraConnector(): Promise<RunningConnector>;
  close(): Promise<void>;
}

const KEY_PATH = "/api/v1/smart_notifier/public_key";

export interface MinihullStackOptions {
  /** More connector environment (REDIS_URL, REDIS_PREFIX, ...). */
  env?: Record<string, string>;
}

export async function startMinihullStack(
  options: MinihullStackOptions = {},
): Promise<MinihullStack> {
  const intercom = await startIntercomSandbox({ port: 0 });
  const minihull = new MiniHullClass({
    hostname: "127.0.0.1",
    secret: randomBytes(16).toString("hex"),
  });
  await minihull.listen(0);
  const address = minihull.server.address();
  minihull.port = typeof address === "object" && address ? address.port : 0;
  const organization = `127.0.0.1:${minihull.port}`;

  // Hull's smart-notifier public key URL: as hull's SmartNotifierValidator fetches it, by POSTing
  // the raw signature JWT as the body (lib/utils/smart-notifier-validator.js). The key is given only
  // for a signature made with it; minihull's JSON body parser leaves other bodies unread here.
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicKeyPem = keys.publicKey.export({ type: "spki", format: "pem" }).toString();
  minihull.stubApp("post", KEY_PATH).respond((req: IncomingMessage, res: ServerResponse) => {
    const refuse = () => {
      res.statusCode = 400;
      res.end("send the signature JWT as the body");
    };
    // body-parser already read a JSON body (it marks `_body`): not what Hull's validator sends.
    if ((req as IncomingMessage & { _body?: boolean })._body) return refuse();
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (raw += chunk));
    req.on("end", () => {
      try {
        jwt.verify(raw, publicKeyPem, { algorithms: ["RS256"] });
        res.setHeader("content-type", "text/plain");
        res.end(publicKeyPem);
      } catch {
        refuse();
      }
    });
  });

  const config = loadConfig({
    LOG_LEVEL: "silent",
    PORT: "0",
    SECRET: randomBytes(24).toString("hex"),
    INTERCOM_CLIENT_ID: intercom.clientId,
    INTERCOM_CLIENT_SECRET: intercom.clientSecret,
    INTERCOM_API_URL: intercom.url,
    INTERCOM_OAUTH_URL: `${intercom.url}/oauth`,
    // minihull's firehose (`POST /api/v1/firehose`) accepts anything: the tokens are read here.
    HULL_FIREHOSE_URL: `http://${organization}/api/v1/firehose`,
    HULL_ALLOWED_HOSTS: organization,
    // minihull listens on loopback, which the SSRF-safe fetch refuses unless told (ADR 011).
    OUTBOUND_ALLOW_LOOPBACK: "true",
    DATA_DIR: mkdtempSync(join(tmpdir(), "hull-intercom-minihull-")),
    ...options.env,
  });
  const connector = await startConnector(config, createLogger("silent"));
  const extras: RunningConnector[] = [];
  const connectorUrl = connector.deps.publicUrl;
  intercom.setWebhookUrl(`${connectorUrl}/intercom`);
  intercom.setUninstallUrl(`${connectorUrl}/auth/uninstalled`);

  // Installed as minihull's mimicInstall does (manifest fetched from the connector, empty
  // private_settings), without its SNS-style ship:update, which smart-notifier connectors do not get.
  const manifest = await (await fetch(`${connectorUrl}/manifest.json`)).json();
  const installed = minihull.db
    .get("connectors")
    .insert({ _url: connectorUrl, manifest, private_settings: {} })
    .write() as { id: string };
  const credentials = { id: installed.id, organization, secret: minihull.secret };

  return {
    minihull,
    intercom,
    connector,
    credentials,
    credentialsQuery: new URLSearchParams({
      ship: credentials.id,
      organization,
      secret: credentials.secret,
    }).toString(),
    keyUrl: `http://${organization}${KEY_PATH}`,
    stored: () => minihull.db.get("connectors").find({ id: credentials.id }).value(),
    requestsTo(method, pathPrefix) {
      const incoming = minihull.requests.get("incoming").value() as {
        method: string;
        url: string;
        body: unknown;
        headers: Record<string, string>;
      }[];
      return incoming.filter(
        (request) => request.method === method && request.url.startsWith(pathPrefix),
      );
    },
    signedHeaders(notificationId) {
      return {
        "x-hull-smart-notifier": "true",
        "x-hull-smart-notifier-signature-version": "v1",
        "x-hull-smart-notifier-signature": jwt.sign({}, keys.privateKey, {
          algorithm: "RS256",
          jwtid: notificationId,
          issuer: organization,
          expiresIn: "1h",
        }),
        "x-hull-smart-notifier-signature-public-key-url": `http://${organization}${KEY_PATH}`,
      };
    },
    async startExtraConnector() {
      const extra = await startConnector(config, createLogger("silent"));
      extras.push(extra);
      return extra;
    },
    async close() {
      await Promise.all(extras.map((extra) => extra.close()));
      await connector.close();
      await Promise.all([minihull.close(), intercom.close()]);
    },
  };
}
