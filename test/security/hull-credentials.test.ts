// Hull's requests: query credentials are checked against Hull, tokens the connector minted are
// checked for signature, purpose and age, and the OAuth state too (DESIGN.md §7).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SANDBOX_SECRET } from "../../scripts/stack";
import { createTokenIssuer, type TokenPurpose } from "../../server/clients/hull/tokens";
import { hullConnector, startTestStack, type Stack } from "../helpers/stack";
import { startRecordingServer, type RecordingServer } from "./helpers/recording-server";

let stack: Stack;
let elsewhere: RecordingServer;

const HULL_ROUTES: [method: string, path: string, body?: unknown][] = [
  ["GET", "/admin"],
  ["GET", "/auth"],
  ["GET", "/admin/api/overview"],
  ["GET", "/admin/api/settings"],
  ["PUT", "/admin/api/settings", { private_settings: { send_events: ["Forged"] } }],
  ["GET", "/admin/api/attributes"],
  ["POST", "/admin/api/fetch", { kind: "users" }],
  ["POST", "/admin/api/disconnect", {}],
  ["GET", "/status"],
  ["POST", "/status"],
  ["GET", "/schema/user_fields"],
  ["POST", "/fetch-all"],
  ["POST", "/sync"],
  ["POST", "/fetch-leads"],
  ["GET", "/jobs"],
  ["POST", "/batch", { url: "http://127.0.0.1:9/extract.json" }],
];

function call(
  method: string,
  path: string,
  { query = "", body, token }: { query?: string; body?: unknown; token?: string } = {},
) {
  return fetch(`${stack.urls.connector}${path}${query ? `?${query}` : ""}`, {
    method,
    redirect: "manual",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function credentials(overrides: Record<string, string> = {}) {
  const { id, organization, secret } = stack.hull.connector;
  return new URLSearchParams({ ship: id, organization, secret, ...overrides }).toString();
}

/** A token as the connector would mint it, at another moment or with another SECRET. */
function mintToken(
  purpose: TokenPurpose,
  { secret = SANDBOX_SECRET, ageMs = 0 }: { secret?: string; ageMs?: number } = {},
) {
  vi.useFakeTimers({ toFake: ["Date"] });
  try {
    vi.setSystemTime(Date.now() - ageMs);
    return createTokenIssuer(secret).mint(stack.hull.connector, purpose);
  } finally {
    vi.useRealTimers();
  }
}

/** Changes one claim of a signed token and keeps the signature. */
function tamper(token: string, claims: Record<string, unknown>) {
  const [header, payload, signature] = token.split(".");
  const decoded = JSON.parse(Buffer.from(payload!, "base64url").toString()) as object;
  const forged = Buffer.from(JSON.stringify({ ...decoded, ...claims })).toString("base64url");
  return `${header}.${forged}.${signature}`;
}

beforeAll(async () => {
  stack = await startTestStack();
  // Same port as Hull, another loopback address: an organization that only looks like Hull's.
  elsewhere = await startRecordingServer("127.0.0.2", stack.hull.port);
});
afterAll(async () => {
  await elsewhere?.close();
  await stack?.close();
});

describe("forged Hull query credentials", () => {
  it.each(HULL_ROUTES)(
    "%s %s answers 401 to a forged secret and changes nothing in Hull",
    async (method, path, body) => {
      const before = await hullConnector(stack);
      const response = await call(method, path, {
        query: credentials({ secret: "forged-secret" }),
        body,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("location")).toBeNull();
      expect(await hullConnector(stack)).toEqual(before);
    },
  );

  it.each(HULL_ROUTES)(
    "%s %s never calls an organization outside the allow-list",
    async (method, path, body) => {
      const response = await call(method, path, {
        query: credentials({ organization: `127.0.0.2:${stack.hull.port}` }),
        body,
      });
      expect(response.status).toBe(401);
      expect(elsewhere.requests).toEqual([]);
    },
  );

  it.each([
    ["a connector id that is not 24 hexadecimal characters", () => ({ ship: "../../admin" })],
    ["an organization with a path", () => ({ organization: `${stack.hull.organization}/api` })],
    ["an organization with credentials in it", () => ({ organization: "user@127.0.0.1" })],
    ["an empty secret", () => ({ secret: "" })],
  ])("refuses %s with 401", async (_name, overrides) => {
    const query = credentials(overrides());
    expect((await call("GET", "/admin/api/overview", { query })).status).toBe(401);
  });
});

describe("connector-minted dashboard tokens", () => {
  it("are accepted while fresh, as the dashboard sends them", async () => {
    const response = await call("GET", "/admin/api/overview", { token: mintToken("dashboard") });
    expect(response.status).toBe(200);
  });

  it("are refused once older than their lifetime, saying the link expired", async () => {
    const stale = mintToken("dashboard", { ageMs: 13 * 60 * 60 * 1000 });
    const response = await call("GET", "/admin/api/overview", { token: stale });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/expired/);
  });

  it.each([
    ["minted with another SECRET", () => mintToken("dashboard", { secret: "x".repeat(32) })],
    ["minted for the OAuth state", () => mintToken("oauth-state")],
    ["naming another connector", () => tamper(mintToken("dashboard"), { sub: "0".repeat(24) })],
    [
      "naming another organization",
      () => tamper(mintToken("dashboard"), { org: "evil.hullapp.io" }),
    ],
    ["with its expiry pushed back", () => tamper(mintToken("dashboard"), { exp: 4102444800 })],
    [
      "with the algorithm set to none",
      () => {
        const [, payload] = mintToken("dashboard").split(".");
        const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url");
        return `${header}.${payload}.`;
      },
    ],
  ])("are refused when %s, on every route that takes them", async (_name, token) => {
    for (const [method, path, body] of HULL_ROUTES) {
      const response = await call(method, path, { token: token(), body });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
    expect((await hullConnector(stack)).private_settings.send_events ?? []).not.toContain("Forged");
  });
});

describe("the OAuth state", () => {
  const callback = (state: string) =>
    fetch(`${stack.urls.connector}/auth/callback?code=any-code&state=${encodeURIComponent(state)}`);

  it.each([
    ["expired", () => mintToken("oauth-state", { ageMs: 11 * 60 * 1000 }), /has expired/],
    ["a dashboard token", () => mintToken("dashboard"), /not valid/],
    [
      "minted with another SECRET",
      () => mintToken("oauth-state", { secret: "y".repeat(32) }),
      /not valid/,
    ],
    [
      "tampered to name another connector",
      () => tamper(mintToken("oauth-state"), { sub: "0".repeat(24) }),
      /not valid/,
    ],
    ["not a token at all", () => "state-from-somewhere-else", /not valid/],
  ])("is refused when %s, and nothing is stored", async (_name, state, title) => {
    const before = await hullConnector(stack);
    const response = await callback(state());
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toMatch(title);
    expect(page).toContain('"type":"failed"');
    expect(await hullConnector(stack)).toEqual(before);
  });

  it("refuses a code Intercom never issued, even with a valid state, and stores nothing", async () => {
    const before = await hullConnector(stack);
    const response = await callback(mintToken("oauth-state"));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).toContain('"type":"failed"');
    expect(await hullConnector(stack)).toEqual(before);
  });
});
