// Review 2 finding (fix b0e57b8, server/clients/hull/firehose.ts `write`): the queue now signs
// what it posts next with the credentials of whichever write came last (`queue.credentials =
// credentials`), for every entry in the queue, not with each entry's own. After a secret rotation
// the connector still has writers holding the old secret: the outbox replays records sealed with
// the secret of when they were kept, a dead letter retried, a fetch job started before the change.
// When one of them writes while a webhook's entries (written with the current secret) wait in
// the queue, the batch that carries both is signed and sent with the old secret: Hull refuses it
// (401) and the webhook's write fails with UpstreamRefusedError (its notification answered 500,
// a fetch page failed), although its own credentials were right. Before the fix it was the first
// credentials; now it is a race on the last.
import { afterEach, describe, expect, it } from "vitest";
import { createFirehoseWriter } from "../../server/clients/hull/firehose";
import { startFakeServer } from "../helpers/fake-server";
import { waitUntil } from "../helpers/wait";

let hull: Awaited<ReturnType<typeof startFakeServer>> | undefined;
afterEach(() => hull?.close());

describe("a connector whose secret changed, with a writer still holding the old one", () => {
  it("sends the entries written with the current secret with the current secret", async () => {
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let requests = 0;
    hull = await startFakeServer(async (request) => {
      requests += 1;
      if (requests === 1) await firstHeld;
      // Hull knows only the current secret.
      return request.headers["hull-access-token"] === "new-secret"
        ? { body: {} }
        : { status: 401, body: { message: "Invalid token" } };
    });
    const writer = createFirehoseWriter({
      url: `${hull.url}/firehose`,
      retryDelayMs: 1,
      maxGatherMs: 60_000,
    });
    const base = { id: "5f0c1a2b3c4d5e6f7a8b9c0d", organization: "acme.hullapp.io" };
    const current = { ...base, secret: "new-secret" };
    const stale = { ...base, secret: "old-secret" };
    const traits = (user: string) => ({
      type: "traits" as const,
      claims: { external_id: user },
      body: { "intercom/name": user },
    });

    // A webhook's batch is in flight; the next webhook's entry gathers behind it.
    const first = writer.write(current, [traits("u0")]);
    await waitUntil(() => requests === 1, { what: "the first batch to reach Hull" });
    const webhook = writer.write(current, [traits("u1")]).then(
      () => "written",
      (error: Error) => `failed: ${error.message}`,
    );
    // A replay of a record kept before the rotation writes meanwhile (its own failure is expected).
    const replay = writer.write(stale, [traits("u2")]).catch(() => undefined);
    releaseFirst();
    await first;
    await replay;
    expect(await webhook).toBe("written");
  });
});
