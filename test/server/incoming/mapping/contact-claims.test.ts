import { describe, expect, it } from "vitest";
import { contactClaims } from "../../../../server/incoming/mapping/contact-claims";

const visitor = "4cfccf17-2794-4449-82de-55464bf7ef21";

// Issue 15 class 2: incoming writes claim the person by every identifier the item carries.
describe("contactClaims", () => {
  it.each([
    [
      "1.x user.deleted item: id, user_id and email",
      { type: "user", id: "5718a8e4", user_id: "cust-1313", email: "Rita@Example.com" },
      { anonymous_id: "intercom:5718a8e4", external_id: "cust-1313", email: "rita@example.com" },
    ],
    [
      "2.x minimal deleted item of a user",
      { type: "contact", id: "6762f0dd", external_id: "cust-0606", deleted: true },
      { anonymous_id: "intercom:6762f0dd", external_id: "cust-0606" },
    ],
    [
      "2.x minimal item of a lead: its UUID visitor id is not a user's external_id",
      { type: "contact", id: "6762f0dd", external_id: visitor, archived: true },
      { anonymous_id: "intercom:6762f0dd" },
    ],
    [
      "blank identifiers identify no one: a whitespace external_id is not claimed",
      { type: "contact", role: "lead", id: "6762f0dd", external_id: "   ", email: " " },
      { anonymous_id: "intercom:6762f0dd" },
    ],
    [
      "a blank 2.x external_id falls back to the 1.x user_id",
      { type: "user", id: "5718a8e4", external_id: " ", user_id: "cust-1313" },
      { anonymous_id: "intercom:5718a8e4", external_id: "cust-1313" },
    ],
    [
      "2.x conversation contact with external_id",
      { type: "contact", id: "6762f0ee", external_id: "cust-77" },
      { anonymous_id: "intercom:6762f0ee", external_id: "cust-77" },
    ],
    [
      "2.x contact with role user keeps even a UUID external_id",
      { type: "contact", role: "user", id: "6762f0dd", external_id: visitor },
      { anonymous_id: "intercom:6762f0dd", external_id: visitor },
    ],
    [
      "2.x lead: visitor id and email",
      { type: "contact", role: "lead", id: "6762f0dd", external_id: visitor, email: "v@x.io" },
      { anonymous_id: `intercom:${visitor}`, email: "v@x.io" },
    ],
    [
      "1.x lead (type contact with user_id)",
      { type: "contact", id: "5718", user_id: visitor },
      { anonymous_id: `intercom:${visitor}` },
    ],
    ["only an id", { type: "contact", id: "6762" }, { anonymous_id: "intercom:6762" }],
  ])("%s", (_name, item, claims) => {
    expect(contactClaims(item)).toEqual(claims);
  });

  it.each([null, {}, { id: "" }, "6762", []])(
    "has no claims without an Intercom id: %j",
    (item) => {
      expect(contactClaims(item)).toBeUndefined();
    },
  );
});
