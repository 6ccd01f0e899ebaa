import { describe, expect, it } from "vitest";
import { conversationTexts } from "../../../../server/incoming/mapping/notification-to-hull";

const opening = { body: "<p>Hello Mira</p>" };

// Issue 15 class 4: `message` is the body of the part that caused the notification.
describe("conversationTexts", () => {
  it.each([
    // topic, causing part, expected
    ["conversation.user.created", undefined, { message: "<p>Hello Mira</p>" }],
    ["conversation.admin.single.created", undefined, { message: "<p>Hello Mira</p>" }],
    [
      "conversation.admin.assigned",
      { part_type: "assignment", body: null, assigned_to: { type: "admin", id: "1" } },
      { openingMessage: "<p>Hello Mira</p>" },
    ],
    [
      "conversation.admin.closed",
      { part_type: "close", body: null },
      { openingMessage: "<p>Hello Mira</p>" },
    ],
    ["conversation.admin.opened", undefined, { openingMessage: "<p>Hello Mira</p>" }],
    [
      "conversation.admin.replied",
      { part_type: "comment", body: "<p>Sure</p>" },
      { message: "<p>Sure</p>", openingMessage: "<p>Hello Mira</p>" },
    ],
    [
      "conversation.admin.closed",
      { part_type: "close", body: "<p>Closing, thanks</p>" },
      { message: "<p>Closing, thanks</p>", openingMessage: "<p>Hello Mira</p>" },
    ],
  ])("%s with part %j", (topic, part, expected) => {
    expect(conversationTexts(topic, opening, part)).toEqual(expected);
  });

  it("has no texts at all when neither the opening message nor the part has a body", () => {
    expect(conversationTexts("conversation.admin.closed", { body: null }, { body: null })).toEqual(
      {},
    );
  });
});
