import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { hullConnector, startTestStack, type Stack } from "../helpers/stack";

let stack: Stack;
let token: string;
beforeAll(async () => {
  stack = await startTestStack();
  const page = await (await fetch(stack.urls.dashboard)).text();
  token = /data-token="([^"]+)"/.exec(page)![1]!;
});
afterAll(() => stack.close());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.urls.connector}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ...init.headers,
    },
  });

async function seedSegment(name: string): Promise<string> {
  const response = await fetch(`${stack.urls.hull}/_sandbox/segments`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, query: { plan: name } }),
  });
  return ((await response.json()) as { id: string }).id;
}

const readKnownSegments = (connector: { private_settings: Record<string, unknown> }) =>
  (connector.private_settings.synchronized_segments as string[] | undefined) ?? [];

describe("the dashboard", () => {
  it("says why setup is required before Hull has asked for a status", async () => {
    const overview = (await (await api("/admin/api/overview")).json()) as {
      status: { status: string; messages: string[] };
    };
    expect(overview.status.status).toBe("setupRequired");
    expect(overview.status.messages.join(" ")).toContain("Intercom is not connected yet");
  });

  it("is refused without Hull credentials", async () => {
    expect((await fetch(`${stack.urls.connector}/admin`)).status).toBe(401);
    expect((await fetch(`${stack.urls.connector}/admin/api/settings`)).status).toBe(401);
    expect(
      (await api("/admin/api/settings", { headers: { authorization: "Bearer forged" } })).status,
    ).toBe(401);
  });

  it("gives the browser a token and never the connector secret", async () => {
    const page = await (await fetch(stack.urls.dashboard)).text();
    expect(page).toContain('<script src="/dashboard.js">');
    expect(page).not.toContain(stack.hull.connector.secret);
    expect(Buffer.from(token.split(".")[1]!, "base64url").toString()).not.toContain(
      stack.hull.connector.secret,
    );
  });

  it("lists Hull's segments and attributes as options for the settings", async () => {
    await seedSegment("VIP <b>customers</b>");
    const body = (await (await api("/admin/api/settings")).json()) as {
      options: { segments: { name: string }[] };
      private_settings: Record<string, unknown>;
    };
    expect(body.options.segments.map((segment) => segment.name)).toContain("VIP <b>customers</b>");
    expect(body.private_settings).toMatchObject({
      synchronized_segments: [],
      sync_fields_to_intercom: [],
      send_events: ["Entered segment", "Left segment"],
    });
  });

  it("saves valid settings through Hull", async () => {
    const segment = await seedSegment("Customers");
    const update = {
      private_settings: {
        synchronized_segments: [segment],
        sync_fields_to_intercom: [{ hull: "plan", name: "plan", overwrite: true }],
      },
      settings: { alignment: "left" },
    };
    const response = await api("/admin/api/settings", {
      method: "PUT",
      body: JSON.stringify(update),
    });
    expect(response.status).toBe(200);
    const connector = await hullConnector(stack);
    expect(connector.private_settings).toMatchObject(update.private_settings);
    // The Website options are kept in private_settings (docs/adr/007).
    expect(connector.private_settings.alignment).toBe("left");
  });

  it("refuses invalid settings with the field named, and writes nothing", async () => {
    const before = await hullConnector(stack);
    const response = await api("/admin/api/settings", {
      method: "PUT",
      body: JSON.stringify({
        private_settings: { synchronized_segments: ["nope"], access_token: "x" },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; details: { path: string }[] };
    expect(body.error).toContain("nothing was saved");
    expect(body.details.map((detail) => detail.path)).toEqual(
      expect.arrayContaining(["private_settings.synchronized_segments.0", "private_settings"]),
    );
    expect(await hullConnector(stack)).toEqual(before);
  });

  // Kind: a well-formed id of something Hull has not got, saved silently (a reviewer's finding).
  it("refuses to add a segment Hull does not have, naming it, and writes nothing", async () => {
    const before = await hullConnector(stack);
    const known = readKnownSegments(before);
    const response = await api("/admin/api/settings", {
      method: "PUT",
      body: JSON.stringify({
        private_settings: { synchronized_segments: [...known, "6fc74b94d8dad4cce454037f"] },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details: { path: string; message: string }[] };
    expect(body.details).toEqual([
      {
        path: "private_settings.synchronized_segments",
        message: "Hull has no segment 6fc74b94d8dad4cce454037f",
      },
    ]);
    expect(await hullConnector(stack)).toEqual(before);
  });

  it("refuses to add an account segment Hull does not have, naming it, and writes nothing", async () => {
    const before = await hullConnector(stack);
    const response = await api("/admin/api/settings", {
      method: "PUT",
      body: JSON.stringify({
        private_settings: { synchronized_account_segments: ["6fc74b94d8dad4cce454037e"] },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { details: { path: string; message: string }[] };
    expect(body.details).toEqual([
      {
        path: "private_settings.synchronized_account_segments",
        message: "Hull has no account segment 6fc74b94d8dad4cce454037e",
      },
    ]);
    expect(await hullConnector(stack)).toEqual(before);
  });

  it("refuses settings sent as another type than JSON, and writes nothing", async () => {
    const before = await hullConnector(stack);
    const response = await api("/admin/api/settings", {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ settings: { alignment: "right" } }),
    });
    expect(response.status).toBe(415);
    expect(await hullConnector(stack)).toEqual(before);
  });

  it("refuses a body that is not JSON or too large", async () => {
    expect((await api("/admin/api/settings", { method: "PUT", body: "{" })).status).toBe(400);
    expect(
      (
        await api("/admin/api/settings", {
          method: "PUT",
          body: JSON.stringify({ x: "a".repeat(300_000) }),
        })
      ).status,
    ).toBe(413);
  });

  it("offers Intercom's attributes once connected, marking read-only ones", async () => {
    expect(await (await api("/admin/api/attributes")).json()).toEqual({
      known: false,
      options: [],
    });
    await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
    const catalogue = (await (await api("/admin/api/attributes")).json()) as {
      known: boolean;
      options: { value: string; writable: boolean; custom: boolean }[];
    };
    expect(catalogue.known).toBe(true);
    expect(catalogue.options).toContainEqual(
      expect.objectContaining({ value: "email", custom: false }),
    );
    expect(catalogue.options).toContainEqual(
      expect.objectContaining({ value: "plan", custom: true, writable: true }),
    );
    expect(catalogue.options.some((option) => !option.writable)).toBe(true);
  });

  it("shows the connection in the overview", async () => {
    const overview = (await (await api("/admin/api/overview")).json()) as {
      connection: { connected: boolean; workspace: { app_id: string } };
    };
    expect(overview.connection).toMatchObject({
      connected: true,
      workspace: { app_id: stack.intercom.appId },
    });
  });
});

describe("/status", () => {
  it("is ok when connected with segments and events, and reports that to Hull", async () => {
    const status = (await (
      await fetch(`${stack.urls.connector}/status?${stack.credentialsQuery}`)
    ).json()) as { status: string };
    expect(status).toEqual({ status: "ok", messages: [] });
    expect((await hullConnector(stack)) as unknown as { status: unknown }).toMatchObject({
      status: { status: "ok" },
    });
  });

  it("warns when no events are selected, and reports that to Hull", async () => {
    await api("/admin/api/settings", {
      method: "PUT",
      body: JSON.stringify({ private_settings: { send_events: [] } }),
    });
    const response = await fetch(`${stack.urls.connector}/status?${stack.credentialsQuery}`);
    const status = (await response.json()) as { status: string; messages: string[] };
    expect(status.status).toBe("warning");
    expect(status.messages.join(" ")).toContain("No events are selected");
    expect((await hullConnector(stack)) as unknown as { status: unknown }).toMatchObject({
      status: { status: "warning" },
    });
  });

  it("says the token was revoked when Intercom refuses it", async () => {
    // As if Intercom's uninstall notification never arrived.
    stack.intercom.setUninstallUrl(undefined);
    const accessToken = (await hullConnector(stack)).private_settings.access_token as string;
    await fetch(`${stack.urls.intercom}/auth/uninstall`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const status = (await (
      await fetch(`${stack.urls.connector}/status?${stack.credentialsQuery}`)
    ).json()) as { status: string; messages: string[] };
    expect(status.status).toBe("error");
    expect(status.messages.join(" ")).toContain("Reconnect Intercom");
  });
});
