import { describe, expect, it } from "vitest";
import type { FirehoseEntry } from "../../../../server/clients/hull/types";
import {
  planNotification,
  type NotificationContext,
} from "../../../../server/incoming/mapping/notification-to-hull";
import {
  envelope,
  legacyConversation,
  legacyLead,
  legacyTagItem,
  legacyUser,
  modernConversation,
  modernLead,
  modernTagItem,
  modernUser,
} from "../../../fixtures/intercom/webhooks";

const context: NotificationContext = {
  incomingAttributes: [
    { name: "plan", hull: "traits_intercom/plan" },
    { name: "seats", hull: "seats" },
    { name: "nested", hull: "nested" },
  ],
  region: "EU",
  ownTagIds: new Set(["77"]),
  segmentNames: new Set(["Customers"]),
  receivedAt: new Date("2026-02-01T00:00:00Z"),
};

function write(topic: string, item: Record<string, unknown>, id?: string | null): FirehoseEntry[] {
  const plan = planNotification(envelope(topic, item, id), context);
  if (plan.kind !== "write") throw new Error(`expected a write for ${topic}, got: ${plan.reason}`);
  return plan.entries;
}
const traitsOf = (entries: FirehoseEntry[]) => entries.find((entry) => entry.type === "traits")!;
const trackOf = (entries: FirehoseEntry[]) => entries.find((entry) => entry.type === "track")!;

describe("planNotification: users", () => {
  it.each([
    ["contact.user.created", modernUser()],
    ["contact.email.updated", modernUser()],
  ])("%s (2.x) updates the user by intercom id, email and external_id", (topic, item) => {
    const entries = write(topic, item);
    expect(entries).toHaveLength(1);
    expect(traitsOf(entries).claims).toEqual({
      anonymous_id: "intercom:6762f0dd1bb69f9f2193bb83",
      email: "ada@example.com",
      external_id: "customer-42",
    });
    expect(traitsOf(entries).body).toMatchObject({
      "intercom/id": "6762f0dd1bb69f9f2193bb83",
      "intercom/email": "Ada@Example.com",
      "intercom/is_lead": false,
      "intercom/created_at": "2026-01-10T04:22:28.240Z",
      "intercom/last_seen_at": null,
      "intercom/location_city": "London",
      "intercom/avatar": "https://static.example/ada.png",
      "intercom/plan": "pro",
      seats: 12,
      name: { operation: "setIfNull", value: "Ada Lovelace" },
    });
  });

  it("reads an avatar given as its URL (intercom-client 7.0.3's type) as well as an object", () => {
    const entries = write("contact.user.created", {
      ...modernUser(),
      avatar: "https://static.example/grace.png",
    });
    expect(traitsOf(entries).body).toMatchObject({
      "intercom/avatar": "https://static.example/grace.png",
    });
  });

  it.each([
    ["user.created", legacyUser()],
    ["user.email.updated", legacyUser()],
  ])("%s (1.x) reads user_id, Unix seconds and location_data", (topic, item) => {
    const entries = write(topic, item);
    expect(traitsOf(entries).claims).toEqual({
      anonymous_id: "intercom:5718a8e4a0d1d8d1a400000a",
      email: "grace@example.com",
      external_id: "customer-7",
    });
    expect(traitsOf(entries).body).toMatchObject({
      "intercom/updated_at": "2019-05-01T10:00:00.000Z",
      "intercom/last_seen_at": "2019-05-01T10:00:00.000Z",
      "intercom/location_city": "Arlington",
      "intercom/location_timezone": "America/New_York",
      "intercom/tags": ["VIP"],
      "intercom/plan": "trial",
      "intercom/is_lead": false,
    });
  });

  it("never writes nested custom attributes or Intercom's tag ids as names", () => {
    const body = traitsOf(write("contact.user.created", modernUser())).body;
    expect(body).not.toHaveProperty("nested");
    expect(body).not.toHaveProperty("intercom/tags");
  });

  it("reports the custom attribute names it saw, for the settings pickers", () => {
    const plan = planNotification(envelope("contact.user.created", modernUser()), context);
    expect(plan).toMatchObject({ kind: "write", customAttributes: ["plan", "seats", "nested"] });
  });
});

describe("planNotification: leads", () => {
  it.each([
    [
      "contact.lead.created",
      modernLead(),
      "intercom:4cfccf17-2794-4449-82de-55464bf7ef21",
      "intercom:6762f0dd1bb69f9f2193bb99",
    ],
    [
      "contact.created",
      legacyLead(),
      "intercom:0f7d1c2e-aaaa-4bbb-8ccc-123456789abc",
      "intercom:5718a8e4a0d1d8d1a400000b",
    ],
  ])(
    "%s identifies the lead by its visitor id and aliases its contact id",
    (topic, item, visitor, contactAlias) => {
      const entries = write(topic, item);
      const traits = traitsOf(entries);
      expect(traits.claims.anonymous_id).toBe(visitor);
      expect(traits.claims.external_id).toBeUndefined();
      expect(entries).toContainEqual({
        type: "alias",
        claims: traits.claims,
        body: { anonymous_id: contactAlias },
      });
    },
  );

  it("writes every lead value with setIfNull so a lead never overwrites a user", () => {
    const body = traitsOf(write("contact.lead.created", modernLead())).body;
    expect(body["intercom/is_lead"]).toEqual({ operation: "setIfNull", value: true });
    expect(body["intercom/email"]).toEqual({
      operation: "setIfNull",
      value: "visitor@example.com",
    });
    expect(
      Object.values(body).every(
        (value) => typeof value === "object" && value !== null && "operation" in value,
      ),
    ).toBe(true);
  });

  it("keeps a lead without email, identified by its visitor id alone", () => {
    const traits = traitsOf(write("contact.created", legacyLead()));
    expect(traits.claims).toEqual({
      anonymous_id: "intercom:0f7d1c2e-aaaa-4bbb-8ccc-123456789abc",
    });
  });
});

describe("planNotification: lead sign-up", () => {
  it.each([
    [
      "contact.lead.signed_up",
      modernLead({ role: "user", external_id: "customer-99", email: "signed@example.com" }),
    ],
    ["contact.signed_up", legacyUser({ id: "5718a8e4a0d1d8d1a400000b" })],
  ])(
    "%s makes the profile a user at once: is_lead false, plain writes, contact id aliased",
    (topic, item) => {
      const entries = write(topic, item);
      const traits = traitsOf(entries);
      expect(traits.body["intercom/is_lead"]).toBe(false);
      expect(traits.body["intercom/email"]).not.toHaveProperty("operation");
      expect([
        traits.claims.anonymous_id,
        ...entries
          .filter((e) => e.type === "alias")
          .map((e) => (e.body as { anonymous_id: string }).anonymous_id),
      ]).toContain(`intercom:${item.id}`);
    },
  );

  it("keeps the visitor id when the signed-up item still says lead", () => {
    const entries = write("contact.lead.signed_up", modernLead());
    expect(traitsOf(entries).claims.anonymous_id).toBe(
      "intercom:4cfccf17-2794-4449-82de-55464bf7ef21",
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        type: "alias",
        body: { anonymous_id: "intercom:6762f0dd1bb69f9f2193bb99" },
      }),
    );
    expect(traitsOf(entries).body["intercom/is_lead"]).toBe(false);
  });
});

// Kind: current contact topics acknowledged and dropped (a reviewer's finding, 2026-12-01). The
// topic list is reference/intercom-api.md §4.2; an update's item is the whole contact (§4.4).
describe("planNotification: updates and merges", () => {
  it.each([
    ["contact.lead.updated", modernLead({ name: "Visitor Two" })],
    ["contact.lead.added_email", modernLead({ email: "found@example.com" })],
  ])("%s writes the contact as a created one would", (topic, item) => {
    const id = traitsOf(write(topic, item)).body["intercom/id"] as unknown;
    // A lead's values are setIfNull (a lead never overwrites what a user set).
    expect(typeof id === "object" ? (id as { value: unknown }).value : id).toBe(item.id);
    expect(write(topic, item)).toEqual(
      write(topic.includes("lead") ? "contact.lead.created" : "contact.user.created", item),
    );
  });

  it("contact.user.updated is acknowledged, not written: a late one would undo a newer value", () => {
    expect(planNotification(envelope("contact.user.updated", modernUser()), context).kind).toBe(
      "ignore",
    );
  });

  it("contact.merged writes the surviving contact and aliases the merged lead's id to it", () => {
    const survivor = modernUser({
      merged_from: { type: "contact", id: "6762f0dd1bb69f9f2193bb99" },
    });
    const entries = write("contact.merged", survivor);
    expect(traitsOf(entries).body["intercom/id"]).toBe(survivor.id);
    expect(entries).toContainEqual(
      expect.objectContaining({
        type: "alias",
        claims: traitsOf(entries).claims,
        body: { anonymous_id: "intercom:6762f0dd1bb69f9f2193bb99" },
      }),
    );
  });

  it("contact.merged without merged_from (older captures) writes the contact alone", () => {
    const entries = write("contact.merged", modernUser());
    expect(
      entries.filter(
        (entry) => entry.type === "alias" && JSON.stringify(entry.body).includes("bb99"),
      ),
    ).toEqual([]);
    expect(traitsOf(entries).body["intercom/id"]).toBe(modernUser().id);
  });
});

describe("planNotification: deletion", () => {
  it.each([
    ["user.deleted", "intercom/deleted_at"],
    ["contact.deleted", "intercom/deleted_at"],
    ["contact.archived", "intercom/archived_at"],
  ])("%s marks the user with %s", (topic, attribute) => {
    const entries = write(topic, {
      type: "contact",
      id: "6762f0dd1bb69f9f2193bb83",
      external_id: "customer-42",
      deleted: true,
    });
    // Claimed by every identifier, and never creating a profile that holds only the mark.
    expect(entries).toEqual([
      {
        type: "traits",
        claims: { anonymous_id: "intercom:6762f0dd1bb69f9f2193bb83", external_id: "customer-42" },
        create: false,
        body: { [attribute]: "2025-12-29T09:20:00.000Z" },
      },
    ]);
  });
});

describe("planNotification: tags", () => {
  it.each([
    [
      "contact.user.tag.created",
      modernTagItem(modernUser()),
      "Added Tag",
      "Beta tester",
      "intercom:6762f0dd1bb69f9f2193bb83",
    ],
    [
      "contact.user.tag.deleted",
      modernTagItem(modernUser()),
      "Removed Tag",
      "Beta tester",
      "intercom:6762f0dd1bb69f9f2193bb83",
    ],
    [
      "contact.lead.tag.created",
      modernTagItem(modernLead()),
      "Added Tag",
      "Beta tester",
      "intercom:4cfccf17-2794-4449-82de-55464bf7ef21",
    ],
    [
      "contact.lead.tag.deleted",
      modernTagItem(modernLead()),
      "Removed Tag",
      "Beta tester",
      "intercom:4cfccf17-2794-4449-82de-55464bf7ef21",
    ],
    [
      "user.tag.created",
      legacyTagItem(legacyUser()),
      "Added Tag",
      "NewCompany",
      "intercom:5718a8e4a0d1d8d1a400000a",
    ],
    [
      "user.tag.deleted",
      legacyTagItem(legacyUser()),
      "Removed Tag",
      "NewCompany",
      "intercom:5718a8e4a0d1d8d1a400000a",
    ],
  ])("%s becomes the event %s", (topic, item, event, tag, subject) => {
    const track = trackOf(write(topic, item));
    expect(track.claims.anonymous_id).toBe(subject);
    expect(track.body).toMatchObject({
      event,
      properties: { topic, tag },
      source: "intercom",
      event_type: "tag",
      event_id: `notif_${topic}_1`,
    });
  });

  it("skips the connector's own segment tags, by tag id and by segment name", () => {
    const ownById = planNotification(
      envelope(
        "contact.user.tag.created",
        modernTagItem(modernUser(), { type: "tag", id: "77", name: "Whatever" }),
      ),
      context,
    );
    const ownByName = planNotification(
      envelope(
        "user.tag.created",
        legacyTagItem(legacyUser(), { type: "tag", id: "1", name: "Customers" }),
      ),
      context,
    );
    // No "Added Tag" event for the connector's own tags. A 2.x contact whose other tag ids
    // cannot be named leaves intercom/tags alone; a 1.x item names them all, so Hull learns
    // the list (issue 15 class 6).
    expect(ownById).toMatchObject({
      kind: "ignore",
      reason: expect.stringContaining("segment tags"),
    });
    expect(ownByName).toEqual({
      kind: "write",
      customAttributes: [],
      entries: [
        {
          type: "traits",
          claims: {
            anonymous_id: "intercom:5718a8e4a0d1d8d1a400000a",
            email: "grace@example.com",
            external_id: "customer-7",
          },
          create: false,
          body: { "intercom/tags": ["VIP", "Customers"] },
        },
      ],
    });
  });

  it("names a 2.x contact's tag ids from the connector's own tags, and drops a removed one", () => {
    const contact = {
      ...modernUser(),
      tags: {
        type: "list",
        data: [
          { type: "tag", id: "77" },
          { type: "tag", id: "78" },
        ],
      },
    };
    const withNames = {
      ...context,
      ownTagIds: new Set(["77", "78"]),
      ownTagNames: new Map([["78", "VIP"]]),
    };
    const added = planNotification(
      envelope(
        "contact.user.tag.created",
        modernTagItem(contact, { type: "tag", id: "77", name: "Customers" }),
      ),
      withNames,
    );
    expect(added.kind === "write" && added.entries[0]!.body).toEqual({
      "intercom/tags": ["VIP", "Customers"],
    });
    const removed = planNotification(
      envelope(
        "contact.user.tag.deleted",
        modernTagItem(contact, { type: "tag", id: "77", name: "Customers" }),
      ),
      withNames,
    );
    expect(removed.kind === "write" && removed.entries[0]!.body).toEqual({
      "intercom/tags": ["VIP"],
    });
  });

  it.each(["contact.user.tag.created", "contact.user.tag.deleted"])(
    "%s about a contact that states no role claims a user, by every identifier",
    (topic) => {
      // The topic names the role; the item's contact may not (type "contact", no role).
      const contact = {
        type: "contact",
        id: "c-1313",
        external_id: "cust-1313",
        email: "Rita@Example.com",
      };
      const entries = write(topic, modernTagItem(contact));
      expect(trackOf(entries).claims).toEqual({
        anonymous_id: "intercom:c-1313",
        email: "rita@example.com",
        external_id: "cust-1313",
      });
    },
  );
});

describe("planNotification: conversations", () => {
  const modern: [string, string, "user" | "admin"][] = [
    ["conversation.user.created", "User started conversation", "user"],
    ["conversation.user.replied", "User replied to conversation", "user"],
    ["conversation.admin.replied", "Admin replied to conversation", "admin"],
    ["conversation.admin.single.created", "Admin started conversation", "admin"],
    ["conversation.admin.assigned", "Admin assigned conversation", "admin"],
    ["conversation.admin.opened", "Admin opened conversation", "admin"],
    ["conversation.admin.closed", "Admin closed conversation", "admin"],
  ];

  it.each(modern)("%s (2.x) becomes the event %s", (topic, event, initiated) => {
    const track = trackOf(write(topic, modernConversation()));
    // Every identifier the item carries (issue 15 class 2): the contact's external_id too.
    expect(track.claims).toEqual({
      anonymous_id: "intercom:6762f0dd1bb69f9f2193bb83",
      external_id: "customer-42",
    });
    expect(track.body).toMatchObject({
      event,
      source: "intercom",
      event_type: "conversation",
      event_id: `notif_${topic}_1`,
      created_at: "2025-12-29T09:25:00.000Z",
      properties: {
        topic,
        conversation_id: "147",
        initiated,
        assignee_id: "991267460",
        link: "https://app.eu.intercom.com/a/apps/a86dr8yl/inbox/inbox/conversation/147",
      },
    });
  });

  it.each(modern)("%s (1.x) reads the user, assignee and message", (topic, event, initiated) => {
    const track = trackOf(write(topic, legacyConversation()));
    expect(track.claims).toEqual({
      anonymous_id: "intercom:5718a8e4a0d1d8d1a400000a",
      email: "grace@example.com",
      external_id: "customer-7",
    });
    expect(track.body).toMatchObject({
      event,
      properties: {
        initiated,
        assignee_name: "Support Sam",
        assignee_email: "sam@example.com",
        link: "https://app.intercom.com/a/apps/a86dr8yl/conversations/5142127318",
      },
    });
  });

  it("takes the message that caused the notification: the opening one on create, the last part on reply", () => {
    expect(
      trackOf(write("conversation.user.created", modernConversation())).body.properties.message,
    ).toBe("<p>Hi, I need help with billing</p>");
    expect(
      trackOf(write("conversation.admin.replied", modernConversation())).body.properties.message,
    ).toBe("<p>Sure, let me look</p>");
    expect(
      trackOf(write("conversation.user.created", legacyConversation())).body.properties.message,
    ).toBe("<p>Hello there</p>");
  });

  it("identifies a 1.x lead by its visitor id", () => {
    const track = trackOf(
      write(
        "conversation.user.created",
        legacyConversation({ type: "lead", user_id: "visitor-uuid", email: null }),
      ),
    );
    expect(track.claims).toEqual({ anonymous_id: "intercom:visitor-uuid" });
  });

  it("gives a stable event id even without a notification id, so a redelivery is not a second event", () => {
    const first = trackOf(write("conversation.user.replied", modernConversation(), null)).body
      .event_id;
    const again = trackOf(write("conversation.user.replied", modernConversation(), null)).body
      .event_id;
    expect(first).toBe(again);
    expect(first).toContain("147");
  });
});

describe("planNotification: everything else", () => {
  it.each([
    "ping",
    "company.created",
    "contact.unsubscribed",
    // Not taken: a late one would undo a newer value (topics.ts); the fetch reads user updates.
    "contact.user.updated",
    "visitor.signed_up",
    "toString",
    "__proto__",
  ])("acknowledges %s without writing", (topic) => {
    expect(planNotification(envelope(topic, {}), context).kind).toBe("ignore");
  });

  it.each([
    ["contact.user.created", {}],
    ["conversation.user.created", { id: "1" }],
    ["contact.user.tag.created", { type: "contact_tag" }],
    ["contact.deleted", { type: "contact" }],
  ])("ignores %s items without the ids it needs", (topic, item) => {
    expect(planNotification(envelope(topic, item), context).kind).toBe("ignore");
  });
});
