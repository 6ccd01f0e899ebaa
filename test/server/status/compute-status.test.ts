import { describe, expect, it } from "vitest";
import {
  computeStatus,
  REDIS_UNREACHABLE_MESSAGE,
  type StatusFacts,
} from "../../../server/status/compute-status";

const healthy: StatusFacts = {
  connected: true,
  intercom: "ok",
  synchronizedSegments: 2,
  sendEvents: 1,
  missingTags: [],
};

describe("computeStatus(facts)", () => {
  it.each<[string, Partial<StatusFacts>, string, RegExp | undefined]>([
    ["all is well", {}, "ok", undefined],
    ["Redis answers (scale-out mode)", { redis: "ok" }, "ok", undefined],
    ["Redis unreachable", { redis: "unreachable" }, "error", /cannot reach its data store/],
    ["not connected", { connected: false, intercom: undefined }, "setupRequired", /not connected/],
    ["token revoked", { intercom: "token-revoked" }, "error", /Reconnect Intercom/],
    ["Intercom unreachable", { intercom: "unreachable" }, "error", /could not be reached/],
    ["no segments", { synchronizedSegments: 0 }, "warning", /No segments/],
    ["no events", { sendEvents: 0 }, "warning", /No events/],
    [
      "a segment tag missing",
      { missingTags: [{ segment: "VIP", tagId: "42" }] },
      "error",
      /tag 42 for segment "VIP"/,
    ],
  ])("%s", (_name, change, status, message) => {
    const result = computeStatus({ ...healthy, ...change });
    expect(result.status).toBe(status);
    if (message) expect(result.messages.join("\n")).toMatch(message);
    else expect(result.messages).toEqual([]);
  });

  it("never lets a later warning downgrade an error", () => {
    const result = computeStatus({
      ...healthy,
      intercom: "token-revoked",
      synchronizedSegments: 0,
      sendEvents: 0,
    });
    expect(result.status).toBe("error");
    expect(result.messages).toHaveLength(3);
  });

  it("keeps setupRequired above warnings", () => {
    expect(computeStatus({ ...healthy, connected: false, synchronizedSegments: 0 }).status).toBe(
      "setupRequired",
    );
  });

  it("Redis unreachable: an error above setupRequired, said first, and it tells what happens", () => {
    const result = computeStatus({
      ...healthy,
      connected: false,
      intercom: undefined,
      synchronizedSegments: 0,
      redis: "unreachable",
    });
    expect(result.status).toBe("error");
    expect(result.messages[0]).toBe(REDIS_UNREACHABLE_MESSAGE);
    expect(result.messages).toHaveLength(3);
    // What a marketer needs: what stops, who retries, what is safe, what may be missing, who acts.
    for (const says of [
      /refusing Intercom's webhooks/,
      /Nothing it already accepted is lost/,
      /Intercom sends each refused webhook once more, a minute later/,
      /caught up by the next fetch/,
      /clears itself/,
    ])
      expect(REDIS_UNREACHABLE_MESSAGE).toMatch(says);
    // Nothing of the deployment: no URL, host, port or credentials.
    expect(REDIS_UNREACHABLE_MESSAGE).not.toMatch(/redis:\/\/|@|:\d|127\.0|localhost|password/i);
  });
});
