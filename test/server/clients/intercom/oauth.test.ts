/**
 * The OAuth token exchange and revocation as the connector sends them (reference/intercom-api.md §3).
 * Intercom's description and SDK say nothing of OAuth; the token request follows Intercom's own
 * client, intercom/omniauth-intercom (lib/omniauth/strategies/intercom.rb, on the oauth2 gem), and
 * RFC 6749 §4.1.3: form-encoded, grant_type=authorization_code, and the authorize step's redirect_uri.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  exchangeCode,
  revokeToken,
  type OAuthApp,
} from "../../../../server/clients/intercom/oauth";
import { RetryableError, UpstreamRefusedError } from "../../../../server/errors";
import { startFakeServer, type FakeReply } from "../../../helpers/fake-server";

let server: Awaited<ReturnType<typeof startFakeServer>> | undefined;
afterEach(() => server?.close());

const callback = "https://connector.example/auth/callback";

async function appAnswering(reply: FakeReply) {
  server = await startFakeServer(() => reply);
  const app: OAuthApp = {
    clientId: "client-1",
    clientSecret: "secret-1",
    authorizeUrl: `${server.url}/oauth`,
    apiUrl: server.url,
  };
  return { app, requests: server.requests };
}

describe("exchangeCode(app, code, redirectUri)", () => {
  it("POSTs a form-encoded body: grant_type, the code verbatim, the client and the redirect_uri", async () => {
    const { app, requests } = await appAnswering({
      body: { token_type: "Bearer", token: "tok-1", access_token: "tok-1" },
    });
    expect(await exchangeCode(app, "abc+/def==", callback)).toBe("tok-1");
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request).toMatchObject({ method: "POST", path: "/auth/eagle/token" });
    expect(request!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(typeof request!.body).toBe("string");
    expect(Object.fromEntries(new URLSearchParams(request!.body as string))).toEqual({
      grant_type: "authorization_code",
      code: "abc+/def==",
      client_id: "client-1",
      client_secret: "secret-1",
      redirect_uri: callback,
    });
  });

  it("reads `token` when Intercom sends no `access_token`", async () => {
    const { app } = await appAnswering({ body: { token_type: "Bearer", token: "tok-2" } });
    expect(await exchangeCode(app, "c=", callback)).toBe("tok-2");
  });

  it("turns a refused code into an UpstreamRefusedError carrying Intercom's status and message", async () => {
    const { app } = await appAnswering({
      status: 401,
      body: {
        type: "error.list",
        errors: [{ code: "unauthorized", message: "Unauthorized Code" }],
      },
    });
    const failure = await exchangeCode(app, "old=", callback).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(UpstreamRefusedError);
    expect(failure).toMatchObject({ upstreamStatus: 401 });
    expect((failure as Error).message).toBe(
      "Intercom did not accept the authorization (401: Unauthorized Code)",
    );
  });

  it("refuses a 200 without a token", async () => {
    const { app } = await appAnswering({ body: { token_type: "Bearer" } });
    await expect(exchangeCode(app, "c=", callback)).rejects.toBeInstanceOf(UpstreamRefusedError);
  });

  it("throws a RetryableError when Intercom cannot be reached", async () => {
    const { app } = await appAnswering({ body: {} });
    await server!.close();
    server = undefined;
    await expect(exchangeCode(app, "c=", callback)).rejects.toBeInstanceOf(RetryableError);
  });
});

// reference/intercom-api.md §3 "Revocation" ([INST]): a bearer POST with no body.
describe("revokeToken(app, token)", () => {
  it("POSTs /auth/uninstall with the bearer token and no body", async () => {
    const { app, requests } = await appAnswering({ body: { type: "uninstall" } });
    expect(await revokeToken(app, "tok-9")).toBe(true);
    expect(requests).toEqual([
      expect.objectContaining({ method: "POST", path: "/auth/uninstall", body: undefined }),
    ]);
    expect(requests[0]!.headers.authorization).toBe("Bearer tok-9");
    expect(requests[0]!.headers["content-type"]).toBeUndefined();
  });
});
