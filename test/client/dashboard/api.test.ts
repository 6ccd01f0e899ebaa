import { describe, expect, it } from "vitest";
import { ApiError, SESSION_EXPIRED, createApi, toApiError } from "../../../client/dashboard/api";

function recordingFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  return { calls, fetchImpl };
}

describe("createApi({base, token, fetch})", () => {
  it("sends the bearer token to <base><path>", async () => {
    const { calls, fetchImpl } = recordingFetch(200, { ok: true });
    await createApi({ base: "https://c.example", token: "tok", fetch: fetchImpl }).disconnect();
    expect(calls[0].url).toBe("https://c.example/admin/api/disconnect");
    expect(calls[0].init.method).toBe("POST");
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe("Bearer tok");
  });

  it("PUTs settings updates as JSON", async () => {
    const { calls, fetchImpl } = recordingFetch(200, { private_settings: {} });
    await createApi({ base: "", token: "t", fetch: fetchImpl }).saveSettings({
      private_settings: { alignment: "left" },
    });
    expect(calls[0].init.method).toBe("PUT");
    expect(JSON.parse(String(calls[0].init.body))).toEqual({
      private_settings: { alignment: "left" },
    });
    expect((calls[0].init.headers as Record<string, string>)["Content-Type"]).toBe(
      "application/json",
    );
  });

  it("rejects with the body's error and details on a 400", async () => {
    const { fetchImpl } = recordingFetch(400, {
      error: "Invalid settings",
      details: [{ path: "settings.alignment", message: "left or right" }],
    });
    const failure = await createApi({ base: "", token: "t", fetch: fetchImpl })
      .saveSettings({})
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 400,
      message: "Invalid settings",
      details: [{ path: "settings.alignment", message: "left or right" }],
    });
  });

  it("says the connector is unreachable when fetch itself fails", async () => {
    const fetchImpl = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    await expect(
      createApi({ base: "", token: "t", fetch: fetchImpl }).overview(),
    ).rejects.toMatchObject({
      status: 0,
      message: expect.stringContaining("could not be reached"),
    });
  });
});

describe("toApiError(status, payload)", () => {
  it("turns any 401 into the expired-session message", () => {
    expect(toApiError(401, { error: "jwt expired" }).message).toBe(SESSION_EXPIRED);
  });

  it("falls back to a message naming the status when the body has none", () => {
    expect(toApiError(502, "<html>").message).toBe(
      "The connector answered with an error (HTTP 502).",
    );
  });

  it("drops malformed details", () => {
    expect(
      toApiError(400, { error: "x", details: [{ path: 1 }, null, { path: "a", message: "b" }] })
        .details,
    ).toEqual([{ path: "a", message: "b" }]);
  });
});
