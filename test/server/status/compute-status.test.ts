import { describe, expect, it } from "vitest";
import { computeStatus, type StatusFacts } from "../../../server/status/compute-status";

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
});
