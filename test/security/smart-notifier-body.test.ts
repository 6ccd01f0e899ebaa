// Nothing unauthenticated costs us (issue 16, finding 4): POST /smart-notifier carries its signature
// in the headers, so an unsigned or forged request is refused before its body is read, a body over
// Hull's limit is refused before it is read, and a signed body nested too deep is refused before
// JSON.parse runs. No timing: "before it is read" is shown by answering a request whose body is
// never finished, and "before parsing" by watching JSON.parse.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import jwt from "jsonwebtoken";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestStack, type Stack } from "../helpers/stack";
import { startRecordingServer, type RecordingServer } from "./helpers/recording-server";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const HULL_LIMIT = 20 * 1024 * 1024;

let stack: Stack;
let keyServer: RecordingServer;

beforeAll(async () => {
  // A key server of our own on the allow-list stands in for Hull's, so the test can sign bodies.
  keyServer = await startRecordingServer(
    "127.0.0.1",
    0,
    publicKey.export({ type: "spki", format: "pem" }).toString(),
  );
  stack = await startTestStack({
    env: { HULL_ALLOWED_HOSTS: keyServer.url.replace("http://", "") },
  });
});
afterAll(async () => {
  await stack?.close();
  await keyServer?.close();
});
afterEach(() => vi.restoreAllMocks());

function signatureHeaders(notificationId: string, key = privateKey): Record<string, string> {
  return {
    "x-hull-smart-notifier": "true",
    "x-hull-smart-notifier-signature-version": "v1",
    "x-hull-smart-notifier-signature": jwt.sign({}, key, {
      algorithm: "RS256",
      jwtid: notificationId,
    }),
    "x-hull-smart-notifier-signature-public-key-url": `${keyServer.url}/key`,
  };
}

function notification(notificationId: string) {
  const { id, organization, secret } = stack.hull.connector;
  return {
    notification_id: notificationId,
    configuration: { id, organization, secret },
    channel: "ship:update",
    connector: { id, private_settings: {}, settings: {} },
    messages: [],
  };
}

/**
 * Declares `declaredLength` bytes, sends only `first`, and never the rest: an answer can only
 * come from a connector that decided without reading the whole body.
 */
function answerWithBodyUnfinished(
  headers: Record<string, string>,
  declaredLength: number,
  first: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(`${stack.urls.connector}/smart-notifier`, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": String(declaredLength),
      },
    });
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        answered = true;
        resolve({ status: response.statusCode ?? 0, body });
        request.destroy();
      });
    });
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    request.write(first);
  });
}

const nestedArrays = (bytes: number) => Buffer.alloc(bytes, "[");

describe("POST /smart-notifier with a large body", () => {
  it("refuses an unsigned 20 MB body of nested arrays with 401 before reading it", async () => {
    const answer = await answerWithBodyUnfinished({}, HULL_LIMIT, nestedArrays(64 * 1024));
    expect(answer.status).toBe(401);
    expect(keyServer.requests).toEqual([]);
  });

  it("refuses a forged signature with 401 before reading the body", async () => {
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const answer = await answerWithBodyUnfinished(
      signatureHeaders(randomUUID(), forger),
      HULL_LIMIT,
      nestedArrays(64 * 1024),
    );
    expect(answer.status).toBe(401);
  });

  it("refuses a signed body declared over Hull's 20 MB limit with 413 before reading it", async () => {
    const answer = await answerWithBodyUnfinished(
      signatureHeaders(randomUUID()),
      HULL_LIMIT + 1,
      nestedArrays(64 * 1024),
    );
    expect(answer.status).toBe(413);
  });

  it("refuses a signed body nested deeper than 64 levels with 400, and never parses it", async () => {
    const parse = vi.spyOn(JSON, "parse");
    const deep = nestedArrays(1024 * 1024);
    const response = await fetch(`${stack.urls.connector}/smart-notifier`, {
      method: "POST",
      headers: { ...signatureHeaders(randomUUID()), "content-type": "application/json" },
      body: deep,
    });
    expect(response.status).toBe(400);
    // Refused in hull's framework's shape (smart-notifier-response.js): errors[].reason.
    const body = (await response.json()) as { errors: { reason: string }[] };
    expect(body.errors[0]?.reason).toMatch(/nested deeper than 64/);
    const bigParses = parse.mock.calls.filter(([text]) => String(text).length >= deep.length);
    expect(bigParses).toEqual([]);
  });

  it("refuses a signed body that is not the notification the signature names with 401", async () => {
    const response = await fetch(`${stack.urls.connector}/smart-notifier`, {
      method: "POST",
      headers: { ...signatureHeaders("signed-id"), "content-type": "application/json" },
      body: JSON.stringify(notification("another-id")),
    });
    expect(response.status).toBe(401);
  });

  it("answers 400 to signed bytes that are not JSON", async () => {
    const response = await fetch(`${stack.urls.connector}/smart-notifier`, {
      method: "POST",
      headers: { ...signatureHeaders(randomUUID()), "content-type": "application/json" },
      body: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x22]),
    });
    expect(response.status).toBe(400);
  });

  it("still takes a signed notification of the size Hull sends", async () => {
    const id = randomUUID();
    const response = await fetch(`${stack.urls.connector}/smart-notifier`, {
      method: "POST",
      headers: { ...signatureHeaders(id), "content-type": "application/json" },
      body: JSON.stringify(notification(id)),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      flow_control: expect.objectContaining({ type: "next" }),
    });
  });
});
