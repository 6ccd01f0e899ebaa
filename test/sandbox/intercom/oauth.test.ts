import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { manualClock, startTestSandbox, type TestSandbox } from "./sandbox-client.js";
import { startReceiver } from "./webhook-receiver.js";

const clock = manualClock();
let api: TestSandbox;
let uninstall: Awaited<ReturnType<typeof startReceiver>>;
const redirectUri = "https://connector.example/auth/callback";

beforeAll(async () => {
  uninstall = await startReceiver();
  api = await startTestSandbox({
    now: clock.now,
    uninstallUrl: uninstall.url,
    region: "EU",
    appId: "eu0app42",
  });
});
beforeEach(async () => {
  await api.reset();
});
afterAll(async () => {
  await api.close();
  await uninstall.close();
  expect(api.contractProblems).toEqual([]);
});

async function authorize(decision: "authorize" | "deny", state = "s-1") {
  const form = new URLSearchParams({
    client_id: "sandbox-client-id",
    state,
    redirect_uri: redirectUri,
    decision,
  });
  const reply = await api.call("POST", "/oauth/decision", form.toString(), {
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  expect(reply.status).toBe(302);
  return new URL(reply.headers.get("location")!);
}

/** The token exchange as intercom/omniauth-intercom sends it: form-encoded (RFC 6749 §4.1.3). */
const exchange = (body: Record<string, string>) =>
  api.call(
    "POST",
    "/auth/eagle/token",
    new URLSearchParams({ grant_type: "authorization_code", ...body }).toString(),
    { token: null, headers: { "Content-Type": "application/x-www-form-urlencoded" } },
  );

const credentials = { client_id: "sandbox-client-id", client_secret: "sandbox-client-secret" };

describe("OAuth", () => {
  it("renders an escaped consent page with Authorize and Deny", async () => {
    const query = new URLSearchParams({
      client_id: "sandbox-client-id",
      state: '"><script>x</script>',
      redirect_uri: redirectUri,
    });
    const page = await api.call("GET", `/oauth?${query}`, undefined, { token: null });
    expect(page.status).toBe(200);
    expect(page.body).toContain("Authorize access");
    expect(page.body).toContain("Deny");
    expect(page.body).not.toContain("<script>x</script>");
    expect(page.body).toContain("&#60;script&#62;");
  });

  it("shows an error page for an unknown client_id", async () => {
    const page = await api.call(
      "GET",
      `/oauth?client_id=nope&redirect_uri=${encodeURIComponent(redirectUri)}`,
      undefined,
      { token: null },
    );
    expect(page.status).toBe(400);
    expect(page.body).toContain("Unknown client_id");
  });

  it("completes the round trip: consent → code → token (form-encoded) → /me", async () => {
    const callback = await authorize("authorize", "state-xyz");
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get("state")).toBe("state-xyz");
    const code = callback.searchParams.get("code")!;
    expect(code.endsWith("=")).toBe(true);
    const token = await exchange({ ...credentials, code, redirect_uri: redirectUri });
    expect(token.status).toBe(200);
    expect(token.body.token_type).toBe("Bearer");
    expect(token.body.token).toBe(token.body.access_token);
    const me = await api.call("GET", "/me", undefined, { token: token.body.access_token });
    expect(me.body.app).toMatchObject({ id_code: "eu0app42", region: "EU" });

    const second = (await authorize("authorize")).searchParams.get("code")!;
    expect((await exchange({ ...credentials, code: second })).status).toBe(200);
  });

  it("refuses a bad code, a reused code, an expired code and a wrong secret with 401 error.list", async () => {
    expect((await exchange({ ...credentials, code: "made-up=" })).body.errors[0]).toEqual({
      code: "unauthorized",
      message: "Unauthorized Code",
    });
    const code = (await authorize("authorize")).searchParams.get("code")!;
    expect((await exchange({ ...credentials, code })).status).toBe(200);
    expect((await exchange({ ...credentials, code })).status).toBe(401);
    const late = (await authorize("authorize")).searchParams.get("code")!;
    clock.advance(5 * 60_000 + 1);
    expect((await exchange({ ...credentials, code: late })).status).toBe(401);
    const fresh = (await authorize("authorize")).searchParams.get("code")!;
    const wrong = await exchange({ ...credentials, client_secret: "guess", code: fresh });
    expect(wrong.status).toBe(401);
    expect(wrong.body.type).toBe("error.list");
  });

  // Intercom's own client (intercom/omniauth-intercom, on the oauth2 gem) and RFC 6749 §4.1.3
  // send the token request form-encoded; the stand-in refuses anything else, naming the problem.
  it("refuses a JSON token request with a 400 naming the encoding, and spends no code", async () => {
    const code = (await authorize("authorize")).searchParams.get("code")!;
    const json = await api.call(
      "POST",
      "/auth/eagle/token",
      { grant_type: "authorization_code", ...credentials, code },
      { token: null },
    );
    expect(json.status).toBe(400);
    expect(json.body.type).toBe("error.list");
    expect(json.body.errors[0].message).toMatch(/form-encoded.*not application\/json/);
    // The code is still good for the request Intercom documents.
    expect((await exchange({ ...credentials, code })).status).toBe(200);
  });

  it("refuses a grant_type other than authorization_code with a 400", async () => {
    const code = (await authorize("authorize")).searchParams.get("code")!;
    const reply = await exchange({ ...credentials, code, grant_type: "client_credentials" });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].code).toBe("unsupported_grant_type");
  });

  it("sends access_denied with the state when the person denies", async () => {
    const callback = await authorize("deny", "s-9");
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe("s-9");
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("uninstall revokes the token and POSTs {app_id} to the uninstall URL", async () => {
    const token = (await api.call("POST", "/_sandbox/token")).body.access_token;
    await api.call("POST", "/auth/uninstall", undefined, { token });
    const [notice] = await uninstall.waitForPosts(1);
    expect(JSON.parse(notice.raw)).toEqual({ app_id: "eu0app42" });
    expect((await api.call("GET", "/me", undefined, { token })).status).toBe(401);
  });
});
