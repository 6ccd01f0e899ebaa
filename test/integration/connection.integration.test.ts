import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { hullConnector, startTestStack, type Stack } from "../helpers/stack";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const authUrl = () => `${stack.urls.connector}/auth?${stack.credentialsQuery}`;
const intercomMe = (token: string) =>
  fetch(`${stack.urls.intercom}/me`, {
    headers: { authorization: `Bearer ${token}`, "intercom-version": "2.14" },
  });

describe("connecting Intercom through OAuth", () => {
  it("refuses to start without Hull credentials", async () => {
    const response = await fetch(`${stack.urls.connector}/auth`, { redirect: "manual" });
    expect(response.status).toBe(401);
  });

  it("refuses forged Hull credentials without redirecting anywhere", async () => {
    const forged = stack.credentialsQuery.replace(/secret=[^&]+/, "secret=forged");
    const response = await fetch(`${stack.urls.connector}/auth?${forged}`, { redirect: "manual" });
    expect(response.status).toBe(401);
    expect(response.headers.get("location")).toBeNull();
  });

  it("ends on a page that says so when the person denies access, and stores nothing", async () => {
    const outcome = await connectThroughOAuth(authUrl(), "deny");
    expect(outcome.status).toBe(400);
    expect(outcome.page).toContain("Access was declined");
    expect((await hullConnector(stack)).private_settings.access_token ?? null).toBeNull();
  });

  it("refuses a callback whose state was not minted by the connector", async () => {
    const response = await fetch(`${stack.urls.connector}/auth/callback?code=abc%3D&state=forged`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("not valid");
  });

  it("refuses a callback in a browser other than the one that started (login CSRF)", async () => {
    const started = await fetch(authUrl(), { redirect: "manual" });
    const state = new URL(started.headers.get("location")!).searchParams.get("state")!;
    // The attacker's state, finished in the victim's browser: no nonce cookie there.
    const response = await fetch(
      `${stack.urls.connector}/auth/callback?code=abc%3D&state=${encodeURIComponent(state)}`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("not valid");
    expect((await hullConnector(stack)).private_settings.access_token ?? null).toBeNull();
  });

  it("stores the token, workspace and region in Hull and tells the dashboard", async () => {
    const outcome = await connectThroughOAuth(authUrl());
    expect(outcome.status).toBe(200);
    expect(outcome.page).toContain('"type":"connected"');
    const connector = await hullConnector(stack);
    expect(connector.private_settings).toMatchObject({
      access_token: expect.any(String),
      intercom_workspace: { app_id: stack.intercom.appId, region: "US", admin: expect.any(Object) },
    });
    // Public settings are not written (docs/adr/007): ship.js asks the connector instead.
    expect(connector.settings.app_id).toBeUndefined();
    const served = await fetch(
      `${stack.urls.connector}/ship/settings?ship=${stack.hull.connector.id}`,
    );
    expect(await served.json()).toMatchObject({ app_id: stack.intercom.appId, region: "us" });
    expect((await intercomMe(connector.private_settings.access_token as string)).status).toBe(200);
  });

  it("never puts the access token in the callback page", async () => {
    const outcome = await connectThroughOAuth(authUrl());
    const token = (await hullConnector(stack)).private_settings.access_token as string;
    expect(outcome.page).not.toContain(token);
  });

  it("ignores an uninstall notification while Intercom still accepts the token", async () => {
    const response = await fetch(`${stack.urls.connector}/auth/uninstalled`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ app_id: stack.intercom.appId }),
    });
    expect(await response.json()).toEqual({ ok: true, disconnected: 0 });
    expect((await hullConnector(stack)).private_settings.access_token).toEqual(expect.any(String));
  });

  it("starts over: revokes the token at Intercom and clears the connection", async () => {
    const token = (await hullConnector(stack)).private_settings.access_token as string;
    const response = await fetch(
      `${stack.urls.connector}/admin/api/disconnect?${stack.credentialsQuery}`,
      { method: "POST" },
    );
    expect(response.status).toBe(200);
    expect((await intercomMe(token)).status).toBe(401);
    const connector = await hullConnector(stack);
    expect(connector.private_settings.access_token ?? null).toBeNull();
    expect(connector.private_settings.intercom_workspace ?? null).toBeNull();
  });

  it("disconnects when Intercom notifies that the app was uninstalled", async () => {
    await connectThroughOAuth(authUrl());
    const token = (await hullConnector(stack)).private_settings.access_token as string;
    // Uninstalling in Intercom revokes the token and posts {app_id} to the connector's uninstall URL.
    await fetch(`${stack.urls.intercom}/auth/uninstall`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    await expect
      .poll(async () => (await hullConnector(stack)).private_settings.access_token ?? null)
      .toBeNull();
    expect((await intercomMe(token)).status).toBe(401);
  });

  it("treats a repeated uninstall notification as nothing to do", async () => {
    const response = await fetch(`${stack.urls.connector}/auth/uninstalled`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ app_id: stack.intercom.appId }),
    });
    expect(await response.json()).toEqual({ ok: true, disconnected: 0 });
  });

  it("answers a malformed uninstall notification with 400", async () => {
    const response = await fetch(`${stack.urls.connector}/auth/uninstalled`, {
      method: "POST",
      body: "{nope",
    });
    expect(response.status).toBe(400);
  });
});
