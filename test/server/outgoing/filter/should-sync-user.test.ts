import { describe, expect, it } from "vitest";
import { shouldSyncUser } from "../../../../server/outgoing/filter/should-sync-user";
import { selectUsers } from "../../../../server/outgoing/filter/select-users";
import { SEGMENT_A, SEGMENT_B, settings, update, user } from "../builders";

const changed = (values: Record<string, [unknown, unknown]>) => ({
  isNew: false,
  user: values,
  entered: [],
  left: [],
});

describe("shouldSyncUser(update, settings, options)", () => {
  const cases: [string, Parameters<typeof shouldSyncUser>, string][] = [
    ["sends a user in a synchronized segment", [update(), settings()], "everything"],
    [
      "sends nobody when no segment is synchronized",
      [update(), settings({ synchronizedSegments: [] })],
      "nothing",
    ],
    [
      "skips a user outside the synchronized segments",
      [update({ user: user({ segment_ids: [SEGMENT_B.id] }) }), settings()],
      "nothing",
    ],
    [
      "sends anyone in a manual extract, whatever the whitelist",
      [
        update({ user: user({ segment_ids: [] }), changes: undefined }),
        settings({ synchronizedSegments: [] }),
        { manual: true },
      ],
      "everything",
    ],
    [
      "skips a user deleted in Intercom",
      [update({ user: user({ "intercom/deleted_at": "2024-01-01" }) }), settings()],
      "nothing",
    ],
    [
      "sends a user deleted in Intercom when configured to",
      [
        update({ user: user({ "intercom/deleted_at": "2024-01-01" }) }),
        settings({ ignoreDeletedUsers: false }),
      ],
      "everything",
    ],
    [
      "skips a deleted user even in a manual extract",
      [
        update({ user: user({ "intercom/deleted_at": "2024-01-01" }) }),
        settings(),
        { manual: true },
      ],
      "nothing",
    ],
    // Issue 15 class 1: the state the incoming flow writes (intercom/archived_at) is the one read.
    [
      "skips a user archived in Intercom",
      [update({ user: user({ "intercom/archived_at": "2024-06-01T00:00:00Z" }) }), settings()],
      "nothing",
    ],
    [
      "skips an archived user even when deleted users may be sent",
      [
        update({ user: user({ "intercom/archived_at": "2024-06-01T00:00:00Z" }) }),
        settings({ ignoreDeletedUsers: false }),
      ],
      "nothing",
    ],
    [
      "skips an archived user even in a manual extract",
      [
        update({ user: user({ "intercom/archived_at": "2024-06-01T00:00:00Z" }) }),
        settings(),
        { manual: true },
      ],
      "nothing",
    ],
    [
      "sends an archived user when the connector may unarchive it",
      [
        update({ user: user({ "intercom/archived_at": "2024-06-01T00:00:00Z" }) }),
        settings({ unarchiveContacts: true }),
      ],
      "everything",
    ],
    [
      "sends a user whose archive Intercom undid (intercom/archived_at cleared)",
      [update({ user: user({ "intercom/archived_at": null }) }), settings()],
      "everything",
    ],
    // Kind: a state mark is not cleared by later proof that the contact is live. A contact
    // Intercom showed live after the mark (created again with the same email, read by a fetch)
    // is sent; one whose last known life is older than the mark, or of the same second, is not.
    [
      "sends a user deleted in Intercom and created there again since (a newer updated_at)",
      [
        update({
          user: user({
            "intercom/deleted_at": "2026-11-30T10:00:00.000Z",
            "intercom/updated_at": "2026-11-30T10:00:01.000Z",
          }),
        }),
        settings(),
      ],
      "everything",
    ],
    [
      "sends a user archived in Intercom and seen live there since",
      [
        update({
          user: user({
            "intercom/archived_at": "2026-11-30T10:00:00Z",
            "intercom/updated_at": "2026-12-01T08:00:00.000+00:00",
          }),
        }),
        settings(),
      ],
      "everything",
    ],
    ...(
      [
        ["last seen live before the deletion", "2026-11-30T09:59:59.000Z"],
        ["last seen live in the second of the deletion", "2026-11-30T10:00:00.000Z"],
        // The mark is the notification's time in whole seconds; updated_at may carry ms.
        ["updated a moment later in the second of the deletion", "2026-11-30T10:00:00.700Z"],
        ["with an impossible last-seen day", "2026-11-31T10:00:00Z"],
        ["with an unreadable last-seen date", "yesterday"],
      ] as const
    ).map(([when, liveAt]): [string, Parameters<typeof shouldSyncUser>, string] => [
      `skips a deleted user ${when}`,
      [
        update({
          user: user({
            "intercom/deleted_at": "2026-11-30T10:00:00.000Z",
            "intercom/updated_at": liveAt,
          }),
        }),
        settings(),
      ],
      "nothing",
    ]),
    [
      "skips a user with nothing to identify it by",
      [update({ user: user({ email: null }) }), settings()],
      "nothing",
    ],
    [
      "skips a change made only to intercom/ attributes (loop guard)",
      [update({ changes: changed({ "intercom/id": [null, "c1"] }) }), settings()],
      "nothing",
    ],
    [
      "sends an intercom/-only change that also entered a segment",
      [
        update({
          changes: { ...changed({ "intercom/id": [null, "c1"] }), entered: [SEGMENT_A] },
        }),
        settings(),
      ],
      "everything",
    ],
    [
      "sends an intercom/-only change that carries a sendable event",
      [
        update({
          changes: changed({ "intercom/id": [null, "c1"] }),
          events: [{ event: "Signed up", created_at: "2024-01-01 10:00:00 UTC" }],
        }),
        settings(),
      ],
      "everything",
    ],
    [
      "skips an intercom/-only change whose events came from Intercom",
      [
        update({
          changes: changed({ "intercom/id": [null, "c1"] }),
          events: [{ event: "Signed up", event_source: "intercom" }],
        }),
        settings(),
      ],
      "nothing",
    ],
    [
      "skips a known contact whose unmapped attributes changed",
      [
        update({
          user: user({ "intercom/id": "c1" }),
          changes: changed({ visits: [1, 2] }),
        }),
        settings({ outgoingAttributes: [{ hull: "plan", name: "plan", overwrite: true }] }),
      ],
      "nothing",
    ],
    [
      "sends a known contact whose mapped attribute changed",
      [
        update({
          user: user({ "intercom/id": "c1" }),
          changes: changed({ plan: ["free", "pro"] }),
        }),
        settings({ outgoingAttributes: [{ hull: "traits_plan", name: "plan", overwrite: true }] }),
      ],
      "everything",
    ],
    [
      "sends a known contact whose external_id appeared (a lead may convert)",
      [
        update({
          user: user({ "intercom/id": "c1", external_id: "x" }),
          changes: changed({ external_id: [null, "x"] }),
        }),
        settings(),
      ],
      "everything",
    ],
    [
      "sends a message with no changes at all (a manual send through the notifier)",
      [update({ user: user({ "intercom/id": "c1" }) }), settings()],
      "everything",
    ],
    [
      "removes tags only when a known contact left its last synchronized segment",
      [
        update({
          user: user({ "intercom/id": "c1", segment_ids: [] }),
          changes: { ...changed({}), left: [SEGMENT_A] },
        }),
        settings(),
      ],
      "tags-only",
    ],
  ];
  it.each(cases)("%s", (_title, args, expected) => {
    expect(shouldSyncUser(...args).send).toBe(expected);
  });

  it("gives a code and a reason for every skip", () => {
    const decision = shouldSyncUser(update(), settings({ synchronizedSegments: [] }));
    expect(decision).toEqual({
      send: "nothing",
      code: "no-segments",
      reason: expect.stringContaining("no synchronized segments"),
    });
    for (const [, args, expected] of cases) {
      if (expected !== "nothing") continue;
      const skip = shouldSyncUser(...args);
      expect(skip).toMatchObject({ code: expect.any(String), reason: expect.any(String) });
    }
  });
});

describe("selectUsers(updates, settings)", () => {
  it("merges two messages for one user: the latest report, both events", () => {
    const first = update({
      events: [{ event: "Signed up", created_at: "2024-01-01 10:00:00 UTC" }],
    });
    const second = update({
      user: user({ name: "Ada L." }),
      events: [{ event: "Signed up", created_at: "2024-01-02 10:00:00 UTC" }],
    });
    const selection = selectUsers([first, second], settings());
    expect(selection.send).toHaveLength(1);
    expect(selection.send[0]!.update.user.name).toBe("Ada L.");
    expect(selection.send[0]!.update.events).toHaveLength(2);
  });

  it("lists skipped users with their reasons", () => {
    const selection = selectUsers([update()], settings({ synchronizedSegments: [] }));
    expect(selection.skipped).toEqual([
      { userId: "u1", code: "no-segments", reason: expect.any(String) },
    ]);
  });
});
