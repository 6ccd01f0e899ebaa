// The connector as a new Hull organization would run it, checked against Hull's own published
// tools (issue 13): minihull@2.1.2 is the Hull it talks to, hull@0.14.2 judges its notifications
// and refusals, hull-client@2.0.4 says how tokens and settings writes must look.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../../sandbox/scenarios/connect-through-oauth";
import { signEntry } from "../../../server/clients/hull/sign-entry";
import {
  hullClientCrypto,
  jwtSimple,
  SmartNotifierValidator,
  smartNotifierResponse,
} from "./hull-packages";
import { startMinihullStack, type MinihullStack } from "./minihull-stack";

let stack: MinihullStack;
const segment = { id: randomBytes(12).toString("hex"), name: "Customers" };

beforeAll(async () => {
  stack = await startMinihullStack();
  // hull's segments middleware reads `GET /api/v1/users_segments`; minihull serves it from a stub.
  stack.minihull.stubUsersSegments([segment]);
}, 60_000);
afterAll(() => stack?.close());

const connectorUrl = () => stack.connector.deps.publicUrl;
const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${connectorUrl()}${path}?${stack.credentialsQuery}`, {
    ...init,
    headers: { "content-type": "application/json", ...init.headers },
  });

async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("finding 1: the Settings tab reads Hull's attribute tree ({id, text, type})", () => {
  it("loads, with minihull's leaves as attribute options", async () => {
    const response = await admin("/admin/api/settings");
    expect(response.status).toBe(200);
    const view = await response.json();
    // minihull src/router.js: tree [{text: "User", children: [{id: "id", text: "Hull ID"}, {id: "email", text: "Email"}]}]
    expect(view.options.hull_attributes).toEqual([
      { value: "id", label: "Hull ID" },
      { value: "email", label: "Email" },
    ]);
    expect(view.options.segments).toEqual([segment]);
  });
});

describe("OAuth on minihull", () => {
  it("connects, writing only private_settings, whole, as hull-client does", async () => {
    const outcome = await connectThroughOAuth(`${connectorUrl()}/auth?${stack.credentialsQuery}`);
    expect(outcome.status).toBe(200);
    const stored = stack.stored().private_settings ?? {};
    expect(stored.access_token).toEqual(expect.any(String));
    expect(stored.intercom_workspace).toMatchObject({ app_id: stack.intercom.appId });
    // hull-client lib/utils/settings.js: PUT /api/v1/<id> with {private_settings} and nothing else.
    const writes = stack
      .requestsTo("PUT", `/api/v1/${stack.credentials.id}`)
      .filter((request) => request.url === `/api/v1/${stack.credentials.id}`);
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes)
      expect(Object.keys(write.body as object)).toEqual(["private_settings"]);
  });
});

describe("finding 2: no write to Hull drops a setting", () => {
  it("keeps every private setting through a website-only save", async () => {
    const saved = await admin("/admin/api/settings", {
      method: "PUT",
      body: JSON.stringify({ private_settings: { synchronized_segments: [segment.id] } }),
    });
    expect(saved.status).toBe(200);
    // A tag mapping the outgoing sync would have learnt, written straight into minihull's store.
    const connector = stack.minihull.db.get("connectors").find({ id: stack.credentials.id });
    connector.value().private_settings.tag_mapping = { [segment.id]: "tag-1" };
    const before = { ...stack.stored().private_settings };

    const websiteOnly = await admin("/admin/api/settings", {
      method: "PUT",
      body: JSON.stringify({ settings: { show_messenger: false, alignment: "left" } }),
    });
    expect(websiteOnly.status).toBe(200);
    expect(await websiteOnly.json()).toMatchObject({
      private_settings: {
        synchronized_segments: [segment.id],
        show_messenger: false,
        alignment: "left",
      },
    });
    const after = stack.stored().private_settings ?? {};
    expect(after).toEqual({ ...before, show_messenger: false, alignment: "left" });
    expect(after.access_token).toBe(before.access_token);
    expect(after.tag_mapping).toEqual({ [segment.id]: "tag-1" });
  });

  it("serves ship.js the workspace and Messenger options without public settings or the token", async () => {
    const response = await fetch(`${connectorUrl()}/ship/settings?ship=${stack.credentials.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const body = await response.json();
    expect(body).toEqual({
      app_id: stack.intercom.appId,
      region: "us",
      show_messenger: false,
      alignment: "left",
    });
    expect(JSON.stringify(body)).not.toContain(
      String(stack.stored().private_settings?.access_token),
    );
    expect(stack.stored().settings ?? {}).toEqual({});
  });
});

describe("finding 4: a notification signed as Hull signs it, checked with hull's own validator", () => {
  const notificationId = randomBytes(12).toString("hex");
  const email = `conformance-${randomBytes(4).toString("hex")}@example.com`;
  const hullUserId = randomBytes(12).toString("hex");
  const body = () => ({
    // The envelope of minihull's smartNotifyConnector, with Hull's signature headers.
    notification_id: notificationId,
    configuration: stack.credentials,
    connector: stack.stored(),
    segments: [segment],
    channel: "user:update",
    messages: [
      // A user report as minihull's mimicUserReport builds it: {user, segments, changes, events}.
      {
        user: { id: hullUserId, email, name: "Ada Conformance" },
        segments: [segment],
        changes: {},
        events: [],
      },
    ],
  });

  it("is valid for hull's SmartNotifierValidator, which fetches the key with the raw JWT", async () => {
    const validator = new SmartNotifierValidator();
    validator.setRequest({ headers: stack.signedHeaders(notificationId), body: body() });
    expect(validator.validateSignatureVersion()).toBe(true);
    expect(validator.validateSignatureHeaders()).toBe(true);
    await expect(validator.validateSignature()).resolves.toBe(true);
  });

  it("reaches Intercom as a contact (user:update), the key fetched as Hull's validator fetches it", async () => {
    const response = await fetch(`${connectorUrl()}/smart-notifier`, {
      method: "POST",
      headers: { "content-type": "application/json", ...stack.signedHeaders(notificationId) },
      body: JSON.stringify(body()),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).flow_control).toMatchObject({ type: "next" });
    const contact = await eventually(async () => {
      const { contacts } = (await (
        await fetch(`${stack.intercom.url}/_sandbox/contacts`)
      ).json()) as {
        contacts: { email: string }[];
      };
      return contacts.find((candidate) => candidate.email === email);
    }, "the contact in Intercom");
    expect(contact).toMatchObject({ email });
    const keyRequests = stack.requestsTo("POST", "/api/v1/smart_notifier/public_key");
    expect(keyRequests.length).toBeGreaterThan(0);
  }, 60_000);

  it("finding 3: writes intercom/id back with tokens hull-client would sign (iat, sub for an id)", async () => {
    const tokens = await eventually(async () => {
      const found = stack
        .requestsTo("POST", "/api/v1/firehose")
        .flatMap(
          (request) =>
            (request.body as { batch?: { headers: Record<string, string> }[] }).batch ?? [],
        )
        .map((entry) =>
          jwtSimple.decode(entry.headers["Hull-Access-Token"]!, stack.credentials.secret),
        );
      const forUser = found.filter(
        (claims) => (claims["io.hull.asUser"] as { id?: string } | undefined)?.id === hullUserId,
      );
      return forUser.length > 0 && forUser;
    }, "the write-back to Hull");
    const expected = jwtSimple.decode(
      hullClientCrypto.lookupToken(stack.credentials, "user", { user: { id: hullUserId } }),
      stack.credentials.secret,
    );
    for (const claims of tokens) {
      expect(Object.keys(claims).sort()).toEqual(Object.keys(expected).sort());
      expect(claims).toMatchObject({
        iss: expected.iss,
        sub: hullUserId,
        "io.hull.asUser": { id: hullUserId },
        "io.hull.subjectType": "user",
        iat: expect.any(Number),
      });
    }
  }, 60_000);
});

describe("finding 3: every firehose token carries hull-client's claims", () => {
  const credentials = {
    id: "5f0c1a2b3c4d5e6f7a8b9c0d",
    organization: "a.hullapp.io",
    secret: "s3cret",
  };
  it.each([
    ["a Hull id", { id: "5f0000000000000000000001" }],
    ["an email and an external id", { email: "a@example.com", external_id: "42" }],
    ["an anonymous id", { anonymous_id: "intercom:abc" }],
  ])("names the user by %s with the claims lookupToken signs", (_title, user) => {
    const ours = signEntry(credentials, { type: "traits", claims: user, body: {} });
    const decoded = jwtSimple.decode(ours.headers["Hull-Access-Token"], credentials.secret);
    const theirs = jwtSimple.decode(
      hullClientCrypto.lookupToken(credentials, "user", { user }),
      credentials.secret,
    );
    expect(Object.keys(decoded).sort()).toEqual(Object.keys(theirs).sort());
    expect({ ...decoded, iat: 0 }).toEqual({ ...theirs, iat: 0 });
  });
});

describe("finding 5: the files the manifest names are served", () => {
  it("answers logo, picture and readme, resolved against the connector's URL as Hull does", async () => {
    const manifest = await (await fetch(`${connectorUrl()}/manifest.json`)).json();
    const expectedTypes: Record<string, RegExp> = {
      logo: /^image\/png/,
      picture: /^image\/png/,
      readme: /^text\/markdown/,
    };
    for (const [field, type] of Object.entries(expectedTypes)) {
      const response = await fetch(new URL(manifest[field], `${connectorUrl()}/`));
      expect(response.status, field).toBe(200);
      expect(response.headers.get("content-type"), field).toMatch(type);
      expect((await response.arrayBuffer()).byteLength, field).toBeGreaterThan(0);
    }
  });

  it("answers / and /readme like Hull's framework (hull lib/utils/static-router.js)", async () => {
    for (const path of ["/", "/readme"]) {
      const response = await fetch(`${connectorUrl()}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain("Intercom");
    }
  });
});

describe("finding 6: a refused notification is answered as hull's framework answers it", () => {
  it.each([
    [
      "MISSING_SIGNATURE_HEADERS",
      401,
      { "x-hull-smart-notifier": "true", "x-hull-smart-notifier-signature-version": "v1" },
    ],
    [
      "UNSUPPORTED_SIGNATURE_VERSION",
      401,
      { "x-hull-smart-notifier": "true", "x-hull-smart-notifier-signature-version": "v0" },
    ],
  ] as const)("%s", async (code, status, headers) => {
    const response = await fetch(`${connectorUrl()}/smart-notifier`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({
        notification_id: "n1",
        configuration: stack.credentials,
        channel: "user:update",
        messages: [],
      }),
    });
    expect(response.status).toBe(status);
    const ours = (await response.json()) as { errors: { code: string; reason: string }[] };
    // What hull's smartNotifierErrorMiddleware sends for the same refusal.
    const { SmartNotifierError, SmartNotifierResponse } = smartNotifierResponse;
    const error = new SmartNotifierError(code, ours.errors[0]!.reason);
    const theirs = new SmartNotifierResponse();
    theirs.setFlowControl(error.flowControl);
    theirs.addError(error);
    expect(ours).toEqual(JSON.parse(JSON.stringify(theirs.toJSON())));
  });
});

describe("finding 6: a notification Hull cannot confirm yet still gets Hull's flow control", () => {
  it("answers retry flow control when Hull fails while the credentials are checked", async () => {
    // A connector id this connector has never confirmed, whose GET fails on minihull as a busy
    // Hull would: the credential check is what fails, not the work.
    const unconfirmed = randomBytes(12).toString("hex");
    stack.minihull.stubApp("get", `/api/v1/${unconfirmed}`).respond(503);
    const notificationId = randomBytes(12).toString("hex");
    const response = await fetch(`${connectorUrl()}/smart-notifier`, {
      method: "POST",
      headers: { "content-type": "application/json", ...stack.signedHeaders(notificationId) },
      body: JSON.stringify({
        notification_id: notificationId,
        configuration: { ...stack.credentials, id: unconfirmed },
        channel: "user:update",
        messages: [],
      }),
    });
    const body = (await response.json()) as {
      flow_control?: { type: string; in: number };
      errors?: unknown[];
    };
    // hull-platform.md §2.4: Hull reads `flow_control` from every answer to decide when to resend.
    expect(body.flow_control).toMatchObject({ type: "retry", in: expect.any(Number) });
    // ... and §3: a transient error is 503 with the retry flow control and the error, as hull's
    // framework answers it (lib/connector/hull-connector.js, startApp; smart-notifier-handler.js).
    expect(response.status).toBe(503);
    expect(body.errors).toEqual([{ code: expect.any(String), reason: expect.any(String) }]);
  });
});
