import { generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifierSignatureVerifier } from "../../../../server/clients/hull/notifier-signature";
import { startFakeServer } from "../../../helpers/fake-server";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

describe("createNotifierSignatureVerifier(allowedHosts).verify(headers, notificationId)", () => {
  let keyServer: Awaited<ReturnType<typeof startFakeServer>>;
  beforeAll(async () => {
    keyServer = await startFakeServer(() => ({ body: pem }));
  });
  afterAll(() => keyServer.close());

  const headers = (signature: string, keyUrl = `${keyServer.url}/key`) => ({
    "x-hull-smart-notifier": "true",
    "x-hull-smart-notifier-signature-version": "v1",
    "x-hull-smart-notifier-signature": signature,
    "x-hull-smart-notifier-signature-public-key-url": keyUrl,
  });
  const sign = (jwtid: string, key = privateKey) =>
    jwt.sign({ iss: "hull" }, key, { algorithm: "RS256", jwtid });

  it("accepts Hull's RS256 signature for this notification and caches the key", async () => {
    const verifier = createNotifierSignatureVerifier([keyServer.host], { allowLoopback: true });
    const before = keyServer.requests.length;
    const signature = sign("notif-1");
    await verifier.verify(headers(signature), "notif-1");
    await verifier.verify(headers(sign("notif-2")), "notif-2");
    expect(keyServer.requests.length - before).toBe(1);
    expect(keyServer.requests.at(-1)?.method).toBe("POST");
    // The raw JWT is the whole body, as hull's SmartNotifierValidator posts it.
    expect(keyServer.requests.at(-1)?.body).toBe(signature);
  });

  it("refuses a signature made for another notification", async () => {
    const verifier = createNotifierSignatureVerifier([keyServer.host], { allowLoopback: true });
    await expect(verifier.verify(headers(sign("notif-1")), "notif-2")).rejects.toThrow(
      "Invalid smart-notifier signature",
    );
  });

  it("refuses a signature made with another key", async () => {
    const verifier = createNotifierSignatureVerifier([keyServer.host], { allowLoopback: true });
    await expect(verifier.verify(headers(sign("n", other)), "n")).rejects.toThrow(
      "Invalid smart-notifier signature",
    );
  });

  it("never fetches a key from a host outside the allow-list", async () => {
    const verifier = createNotifierSignatureVerifier(["*.hullapp.io"]);
    const before = keyServer.requests.length;
    await expect(verifier.verify(headers(sign("n")), "n")).rejects.toThrow(
      "not an allowed Hull host",
    );
    await expect(verifier.verify(headers(sign("n"), "file:///etc/passwd"), "n")).rejects.toThrow();
    expect(keyServer.requests.length).toBe(before);
  });

  it("refuses requests without the smart-notifier headers", async () => {
    const verifier = createNotifierSignatureVerifier([keyServer.host], { allowLoopback: true });
    await expect(verifier.verify({}, "n")).rejects.toThrow("Missing x-hull-smart-notifier header");
    await expect(
      verifier.verify(
        { ...headers(sign("n")), "x-hull-smart-notifier-signature-version": "v0" },
        "n",
      ),
    ).rejects.toThrow("version");
  });
});
