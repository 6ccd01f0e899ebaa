import { afterEach, describe, expect, it } from "vitest";
import { createHullRestClient } from "../../../../server/clients/hull/rest";
import { RetryableError, UnauthorizedError, UpstreamRefusedError } from "../../../../server/errors";
import {
  startFakeServer,
  type FakeReply,
  type RecordedRequest,
} from "../../../helpers/fake-server";

const id = "5f0c1a2b3c4d5e6f7a8b9c0d";
let hull: Awaited<ReturnType<typeof startFakeServer>> | undefined;
afterEach(() => hull?.close());

async function clientAgainst(reply: (request: RecordedRequest) => FakeReply) {
  hull = await startFakeServer(reply);
  return createHullRestClient({ id, organization: hull.host, secret: "s" });
}

describe("createHullRestClient(credentials).updateSettings(update)", () => {
  it("PUTs the whole merged private_settings and nothing else, as hull-client does", async () => {
    const current = {
      id,
      settings: { widget_url: "x" },
      private_settings: { access_token: "t", tag_mapping: { s: "1" } },
    };
    const client = await clientAgainst((request) => ({
      body: request.method === "GET" ? current : { ...current, ...(request.body as object) },
    }));
    await client.updateSettings({ private_settings: { show_messenger: false } });
    const put = hull!.requests.find((request) => request.method === "PUT")!;
    expect(put.path).toBe(`/api/v1/${id}`);
    expect(put.body).toEqual({
      private_settings: { access_token: "t", tag_mapping: { s: "1" }, show_messenger: false },
    });
  });

  it("writes nothing when Hull does not return the connector to merge into", async () => {
    const client = await clientAgainst(() => ({ body: "" }));
    await expect(
      client.updateSettings({ private_settings: { show_messenger: false } }),
    ).rejects.toBeInstanceOf(RetryableError);
    expect(hull!.requests.map((request) => request.method)).toEqual(["GET"]);
  });
});

describe("createHullRestClient(credentials).getSegments()", () => {
  it("keeps only segments with an id and a name", async () => {
    const client = await clientAgainst(() => ({
      body: [{ id: "s1", name: "A" }, { id: "s2" }, null, "x"],
    }));
    expect(await client.getSegments()).toEqual([{ id: "s1", name: "A" }]);
  });
});

describe("createHullRestClient(credentials): a 404", () => {
  const notFound = () => ({ status: 404, body: { message: "Not found" } });

  it("for the connector itself says Hull does not know the connector", async () => {
    const client = await clientAgainst(notFound);
    await expect(client.getConnector()).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(client.putStatus({ status: "ok", messages: [] })).rejects.toThrow(
      "does not know this connector",
    );
  });

  // minihull@2.1.2 answers 200 with no body for a connector it does not have (src/router.js).
  it.each([
    ["no body", ""],
    ["null", null],
    ["another connector", { id: "0123456789abcdef01234567", private_settings: {} }],
  ])("for the connector, a 200 with %s says the same as a 404", async (_what, body) => {
    const client = await clientAgainst(() => ({ body }));
    await expect(client.getConnector()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it("for anything else is about that thing, not about the credentials", async () => {
    const client = await clientAgainst(notFound);
    const segment = client.getSegment("0123456789abcdef01234567");
    await expect(segment).rejects.toBeInstanceOf(UpstreamRefusedError);
    await expect(segment).rejects.toThrow("Hull answered 404 to GET 0123456789abcdef01234567");
    await expect(client.getEventNames()).rejects.toBeInstanceOf(UpstreamRefusedError);
  });
});
