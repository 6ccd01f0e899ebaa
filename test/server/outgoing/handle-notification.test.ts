/**
 * handleNotification from a user:update to Intercom and back, over in-memory fakes: the run is
 * built once with its client, and users Intercom cannot take in time are handed to the pending
 * store (ADR 012) with a slower `next`, not a `retry`.
 */
import { describe, expect, it } from "vitest";
import { createActivityLog } from "../../../server/activity";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import type { IntercomConnections } from "../../../server/clients/intercom/connections";
import { RetryableError } from "../../../server/errors";
import { createLogger } from "../../../server/log";
import { handleNotification } from "../../../server/outgoing/handle-notification";
import { createCustomAttributeCache } from "../../../server/outgoing/intercom/custom-attributes";
import type { PendingUsers } from "../../../server/outgoing/pending/pending-users";
import { SEGMENT_A } from "./builders";
import { fakeIntercom } from "./helpers/fake-run";

function setup() {
  const intercom = fakeIntercom();
  const kept: unknown[] = [];
  const firehose: FirehoseEntry[] = [];
  const connections = {
    forWorkspace: () => intercom.api,
    forToken: () => intercom.api,
    pacerOf: () => undefined,
  } as unknown as IntercomConnections;
  const pending = {
    add: async (_credentials: unknown, updates: unknown[]) => {
      kept.push(...updates);
    },
    summary: async () => ({ users: kept.length }),
  } as unknown as PendingUsers;
  const deps = {
    intercom: connections,
    oauthApp: { apiUrl: "http://127.0.0.1:1" },
    logger: createLogger("silent"),
    firehose: {
      write: async (_credentials: unknown, entries: FirehoseEntry[]) => {
        firehose.push(...entries);
      },
      flush: async () => undefined,
    },
    activity: createActivityLog(),
    hullClient: () =>
      ({
        getConnector: async () => ({ id: "c1", private_settings: {} }),
        updateSettings: async () => undefined,
      }) as never,
    pending,
  };
  const notification = (emails: string[]) => ({
    credentials: { id: "c1", organization: "acme.hullapp.io", secret: "s" },
    connector: {
      id: "c1",
      private_settings: {
        access_token: "token",
        intercom_workspace: { app_id: "ws1", region: "US" },
        synchronized_segments: [SEGMENT_A.id],
        sync_fields_to_intercom: [{ hull: "name", name: "name", overwrite: true }],
      },
    },
    channel: "user:update",
    segments: [SEGMENT_A],
    isExport: false,
    messages: emails.map((email, index) => ({
      user: { id: `u${index}`, email, name: `User ${index}`, segment_ids: [SEGMENT_A.id] },
      segments: [SEGMENT_A],
      changes: { is_new: true, segments: { entered: [SEGMENT_A] } },
      events: [],
    })),
  });
  const options = { attributeCache: createCustomAttributeCache(), maxWaitMs: 3000 };
  return { intercom, kept, firehose, deps, notification, options };
}

describe("handleNotification(user:update)", () => {
  it("sends the users with one create each and one bulk tag, and answers the usual next", async () => {
    const { intercom, deps, notification, options, firehose } = setup();
    const result = await handleNotification(
      deps as never,
      notification(["a@example.com", "b@example.com", "c@example.com"]) as never,
      options,
    );
    expect(result).toEqual({ handled: true });
    expect(intercom.calls.filter((call) => call === "POST /contacts")).toHaveLength(3);
    expect(intercom.calls.filter((call) => call === "POST /tags")).toHaveLength(1);
    const ids = firehose.filter((entry) => entry.type === "traits");
    expect(ids).toHaveLength(3);
  });

  it("keeps the users a rate limit stops for the drain, and slows Hull down with next", async () => {
    const { intercom, deps, notification, options, kept } = setup();
    intercom.failNext(
      "POST /contacts",
      new RetryableError("Intercom's rate limit is exhausted", 9000),
    );
    const result = await handleNotification(
      deps as never,
      notification(["a@example.com"]) as never,
      options,
    );
    expect(result.flowControl).toEqual({ type: "next", size: 50, in: 250 });
    expect(kept).toHaveLength(1);
    expect(intercom.contacts.size).toBe(0);
  });
});
