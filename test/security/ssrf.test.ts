// SSRF closed as a class (issue 16, finding 6): a caller-supplied URL (the /batch extract, the
// smart-notifier key) is fetched hop by hop, each redirect re-checked against the allow-list, and
// no connection reaches a private, link-local or (unless the sandbox allows it) loopback address.
// Only loopback servers are used; private addresses are checked without sending anything.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jwt from "jsonwebtoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { createNotifierSignatureVerifier } from "../../server/clients/hull/notifier-signature";
import {
  createSafeFetch,
  isPermittedAddress,
  RefusedDestinationError,
} from "../../server/clients/safe-fetch";
import { startFakeServer } from "../helpers/fake-server";
import { startTestStack, type Stack } from "../helpers/stack";
import { startRecordingServer, type RecordingServer } from "./helpers/recording-server";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = publicKey.export({ type: "spki", format: "pem" }).toString();

let elsewhere: RecordingServer; // 127.0.0.2: never on an allow-list
let allowed: Awaited<ReturnType<typeof startFakeServer>>;

beforeAll(async () => {
  elsewhere = await startRecordingServer("127.0.0.2", 0, pem);
  allowed = await startFakeServer((request) => {
    const [path, query] = request.path.split("?");
    if (path === "/away") return { status: 302, headers: { location: `${elsewhere.url}/data` } };
    if (path === "/hop") return { status: 307, headers: { location: "/done" } };
    if (path === "/see-other") return { status: 303, headers: { location: "/done" } };
    if (path === "/loop") return { status: 302, headers: { location: `/loop?${query ?? ""}x` } };
    if (path === "/done") return { body: `${request.method} done` };
    return { body: pem };
  });
});
afterAll(async () => {
  await elsewhere?.close();
  await allowed?.close();
});

describe("isPermittedAddress(address, allowLoopback)", () => {
  it.each([
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "fe80::1",
    "fc00::1",
    "::",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a00:1",
    "2002:a00:1::",
    "not an address",
  ])("refuses %s, loopback allowed or not", (address) => {
    expect(isPermittedAddress(address, false)).toBe(false);
    expect(isPermittedAddress(address, true)).toBe(false);
  });

  it.each(["127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1"])(
    "refuses loopback %s unless allowed",
    (address) => {
      expect(isPermittedAddress(address, false)).toBe(false);
      expect(isPermittedAddress(address, true)).toBe(true);
    },
  );

  it.each(["8.8.8.8", "52.216.0.1", "2606:4700::1111"])("permits public %s", (address) => {
    expect(isPermittedAddress(address, false)).toBe(true);
  });
});

describe("createSafeFetch(policy)(url)", () => {
  const sandboxFetch = () => createSafeFetch({ allowedHosts: [allowed.host], allowLoopback: true });

  it("refuses a redirect from an allowed host to a host off the allow-list; nothing reaches it", async () => {
    await expect(sandboxFetch()(`${allowed.url}/away`)).rejects.toThrow(RefusedDestinationError);
    expect(elsewhere.requests).toEqual([]);
  });

  it("follows redirects within the allow-list, keeping the method on 307", async () => {
    const response = await sandboxFetch()(`${allowed.url}/hop`, { method: "POST", body: "x" });
    expect(await response.text()).toBe("POST done");
  });

  it("continues a 303 as a GET", async () => {
    const response = await sandboxFetch()(`${allowed.url}/see-other`, {
      method: "POST",
      body: "x",
    });
    expect(await response.text()).toBe("GET done");
  });

  it("gives up after maxRedirects", async () => {
    const limited = createSafeFetch({
      allowedHosts: [allowed.host],
      allowLoopback: true,
      maxRedirects: 3,
    });
    const before = allowed.requests.length;
    await expect(limited(`${allowed.url}/loop`)).rejects.toThrow(/More than 3 redirects/);
    expect(allowed.requests.length - before).toBe(4);
  });

  it("refuses a loopback address when loopback is not allowed, before connecting", async () => {
    const production = createSafeFetch({ allowedHosts: [allowed.host], allowLoopback: false });
    const before = allowed.requests.length;
    await expect(production(`${allowed.url}/key`)).rejects.toThrow(RefusedDestinationError);
    expect(allowed.requests.length).toBe(before);
  });

  it("refuses a name that resolves to loopback, after DNS resolution", async () => {
    const host = `localhost:${allowed.host.split(":")[1]}`;
    const production = createSafeFetch({ allowedHosts: [host], allowLoopback: false });
    const before = allowed.requests.length;
    await expect(production(`http://${host}/key`)).rejects.toThrow(
      /localhost resolves to 127.0.0.1/,
    );
    expect(allowed.requests.length).toBe(before);
  });

  it.each(["file:///etc/passwd", "ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x"])(
    "refuses %s",
    async (url) => {
      await expect(sandboxFetch()(url)).rejects.toThrow(RefusedDestinationError);
    },
  );
});

describe("the smart-notifier public key", () => {
  it("is not taken from where an allowed host redirects", async () => {
    const verifier = createNotifierSignatureVerifier([allowed.host], { allowLoopback: true });
    const signature = jwt.sign({}, privateKey, { algorithm: "RS256", jwtid: "n-1" });
    await expect(
      verifier.verify(
        {
          "x-hull-smart-notifier": "true",
          "x-hull-smart-notifier-signature-version": "v1",
          "x-hull-smart-notifier-signature": signature,
          "x-hull-smart-notifier-signature-public-key-url": `${allowed.url}/away`,
        },
        "n-1",
      ),
    ).rejects.toThrow("Could not obtain Hull's smart-notifier public key");
    expect(elsewhere.requests).toEqual([]);
  });

  it("is refused on loopback when loopback is not allowed (the default)", async () => {
    const verifier = createNotifierSignatureVerifier([allowed.host]);
    const before = allowed.requests.length;
    const signature = jwt.sign({}, privateKey, { algorithm: "RS256", jwtid: "n-2" });
    await expect(
      verifier.verify({
        "x-hull-smart-notifier": "true",
        "x-hull-smart-notifier-signature-version": "v1",
        "x-hull-smart-notifier-signature": signature,
        "x-hull-smart-notifier-signature-public-key-url": `${allowed.url}/key`,
      }),
    ).rejects.toThrow("Could not obtain Hull's smart-notifier public key");
    expect(allowed.requests.length).toBe(before);
  });
});

describe("POST /batch with an extract URL that redirects", () => {
  let stack: Stack;
  const dataDir = mkdtempSync(join(tmpdir(), "ssrf-batch-"));
  beforeAll(async () => {
    stack = await startTestStack({ dataDir, env: { HULL_EXTRACT_HOSTS: allowed.host } });
    await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  }, 60_000);
  afterAll(() => stack?.close());

  it("accepts the job, which fails without fetching the redirect's target or sending anything", async () => {
    const intercomRequests = async () =>
      (
        (await (await fetch(`${stack.urls.intercom}/_sandbox/requests`)).json()) as {
          requests: unknown[];
        }
      ).requests.length;
    const before = await intercomRequests();
    const response = await fetch(`${stack.urls.connector}/batch?${stack.credentialsQuery}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        url: `${allowed.url}/away`,
        format: "json",
        object_type: "user_report",
      }),
    });
    expect(response.status).toBe(200);
    const { job } = (await response.json()) as { job: string };
    await expect
      .poll(
        async () => {
          const { jobs } = (await (
            await fetch(`${stack.urls.connector}/jobs?${stack.credentialsQuery}`)
          ).json()) as { jobs: { id: string; state: string }[] };
          return jobs.find((candidate) => candidate.id === job)?.state;
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe("failed");
    expect(allowed.requests.map((request) => request.path)).toContain("/away");
    expect(elsewhere.requests).toEqual([]);
    expect(await intercomRequests()).toBe(before);
    // The failed job left no file behind (extracts live under DATA_DIR while their job runs).
    const files = readdirSync(join(dataDir, "extracts"), { recursive: true, withFileTypes: true });
    expect(files.filter((entry) => entry.isFile())).toEqual([]);
  });
});
