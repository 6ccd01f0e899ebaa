// The smart-notifier's public key is fetched only from an allow-listed Hull host: a key URL
// anywhere else is refused before any request leaves the process (DESIGN.md §7).
import { createHmac, generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type Stack } from "../helpers/stack";
import { startRecordingServer, type RecordingServer } from "./helpers/recording-server";

let stack: Stack;
let otherAddress: RecordingServer;
let otherPort: RecordingServer;
let ourKeys: { publicKey: string; privateKey: string };

const NOTIFICATION_ID = "security-notification-1";

function notification() {
  const { id, organization, secret } = stack.hull.connector;
  return {
    notification_id: NOTIFICATION_ID,
    configuration: { id, organization, secret },
    channel: "user:update",
    connector: { id, private_settings: {}, settings: {} },
    segments: [],
    messages: [{ user: { id: "u-1", email: "forged@example.com" } }],
  };
}

function post(signature: string, keyUrl: string) {
  return fetch(`${stack.urls.connector}/smart-notifier`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hull-smart-notifier": "true",
      "x-hull-smart-notifier-signature-version": "v1",
      "x-hull-smart-notifier-signature": signature,
      "x-hull-smart-notifier-signature-public-key-url": keyUrl,
    },
    body: JSON.stringify(notification()),
  });
}

const intercomRequests = async () =>
  ((await (await fetch(`${stack.urls.intercom}/_sandbox/requests`)).json()) as unknown[]).length;

beforeAll(async () => {
  stack = await startTestStack();
  otherAddress = await startRecordingServer("127.0.0.2", stack.hull.port);
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  ourKeys = {
    publicKey: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKey: keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
  otherPort = await startRecordingServer("127.0.0.1", 0, ourKeys.publicKey);
});
afterAll(async () => {
  await otherAddress?.close();
  await otherPort?.close();
  await stack?.close();
});

describe("a smart-notifier key URL outside the allow-list", () => {
  const signed = () =>
    jwt.sign({}, ourKeys.privateKey, { algorithm: "RS256", jwtid: NOTIFICATION_ID });
  const hullPort = () => stack.hull.port;

  it.each([
    ["Hull's port on another loopback address", () => `http://127.0.0.2:${hullPort()}/key`],
    ["Hull's address on another port", () => `${otherPort.url}/key`],
    [
      "Hull's address as user info before another host",
      () => `http://127.0.0.1:${hullPort()}@127.0.0.2:${hullPort()}/key`,
    ],
    ["another address written in hexadecimal", () => `http://0x7f000002:${hullPort()}/key`],
    [
      "another address written as IPv4-mapped IPv6",
      () => `http://[::ffff:127.0.0.2]:${hullPort()}/key`,
    ],
    ["https on another address", () => `https://127.0.0.2:${hullPort()}/key`],
    ["a look-alike of Hull's domain", () => `http://127.0.0.2:${hullPort()}/.hullapp.io`],
    [
      "two URLs in one header",
      () =>
        `${stack.urls.hull}/api/v1/smart_notifier/public_key, http://127.0.0.2:${hullPort()}/key`,
    ],
  ])("is refused with 401 and no request is sent: %s", async (_name, keyUrl) => {
    const before = await intercomRequests();
    const response = await post(signed(), keyUrl());
    expect(response.status).toBe(401);
    expect(otherAddress.requests).toEqual([]);
    expect(otherPort.requests).toEqual([]);
    expect(await intercomRequests()).toBe(before);
  });

  it.each([
    ["a file URL", "file:///etc/passwd"],
    ["a data URL carrying a key", "data:text/plain,-----BEGIN PUBLIC KEY-----"],
    ["not a URL", "key please"],
    ["an empty URL", ""],
  ])("is refused with 401: %s", async (_name, keyUrl) => {
    expect((await post(signed(), keyUrl)).status).toBe(401);
  });
});

describe("a smart-notifier signature checked against Hull's own key", () => {
  const hullKeyUrl = () => `${stack.urls.hull}/api/v1/smart_notifier/public_key`;

  it("refuses a signature made with a key that is not Hull's", async () => {
    const forged = jwt.sign({}, ourKeys.privateKey, { algorithm: "RS256", jwtid: NOTIFICATION_ID });
    expect((await post(forged, hullKeyUrl())).status).toBe(401);
  });

  it("refuses an HS256 signature keyed with Hull's public key (algorithm confusion)", async () => {
    // The key Hull's key URL gives to anyone holding a signature it made.
    const publicKey = stack.hull.publicKeyPem;
    expect(publicKey).toContain("BEGIN PUBLIC KEY");
    const [header, payload] = jwt
      .sign({ jti: NOTIFICATION_ID }, "placeholder", { algorithm: "HS256" })
      .split(".");
    const signature = createHmac("sha256", publicKey)
      .update(`${header}.${payload}`)
      .digest("base64url");
    expect((await post(`${header}.${payload}.${signature}`, hullKeyUrl())).status).toBe(401);
  });

  it("refuses an unsigned token (alg none)", async () => {
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url");
    const payload = Buffer.from(JSON.stringify({ jti: NOTIFICATION_ID })).toString("base64url");
    expect((await post(`${header}.${payload}.`, hullKeyUrl())).status).toBe(401);
  });
});
