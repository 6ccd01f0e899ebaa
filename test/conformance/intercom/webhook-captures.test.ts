/**
 * Intercom's webhooks have no machine-readable description: the 2.14 OpenAPI description has no
 * webhook models and intercom-client 7.0.3 no webhook types. The vendor artefacts are Intercom's
 * "Webhook models" pages (paraphrased in reference/intercom-api.md §4, [WHM]) and bodies Intercom
 * really delivered, recorded by a third party: zulip/zulip `zerver/webhooks/intercom/fixtures/*.json`
 * ([ZF], captured January 2026, commit 377512227328422ebc15f1fa693aea3f01f8af9f for the contact
 * topics, bac928adfaaf0c69d85aac12be5813ec2ec6b507 for company.deleted and
 * 17b6298da373321dde70316f5f85ce51a9311f6d for company.contact.attached).
 *
 * Only facts are taken from those captures (topic names, which keys an item carries, the form of
 * its values), each cited beside its case; where the docs and a capture disagree, the capture wins,
 * because it is what Intercom sent. Each case holds both sides to it: the stand-in (which topics it
 * can send, what their items carry) and the connector (what it does with the body).
 */
import { describe, expect, it } from "vitest";
import { topicAction } from "../../../server/incoming/webhook/topics";
import { parseNotification } from "../../../server/incoming/webhook/parse-notification";
import {
  planNotification,
  type NotificationContext,
} from "../../../server/incoming/mapping/notification-to-hull";
import { sandboxTopics } from "../../../sandbox/intercom/webhooks/topic-items";
import { companyTopics } from "../../../sandbox/intercom/webhooks/company-items";

const APP_ID = "abc123def";
const CONTACT_ID = "6961cf78fb9d13be07871c78";

/** The envelope every capture has (intercom-api.md §4.3; every [ZF] file): Unix-second times. */
function captured(topic: string, item: Record<string, unknown>, sentAt = 1_768_022_430) {
  return {
    type: "notification_event",
    app_id: APP_ID,
    data: { type: "notification_event_data", item },
    links: {},
    id: `notif_${topic}_capture`,
    topic,
    delivery_status: "pending",
    delivery_attempts: 1,
    delivered_at: 0,
    first_sent_at: sentAt,
    created_at: sentAt,
    self: null,
  };
}

/**
 * A contact item as [ZF] contact_unarchived.json carries it: the whole REST contact, its times as
 * ISO-8601 strings with milliseconds (`updated_at` is the moment of the unarchive).
 */
function wholeContact(overrides: Record<string, unknown> = {}) {
  return {
    type: "contact",
    id: CONTACT_ID,
    workspace_id: APP_ID,
    external_id: "22",
    role: "user",
    email: "user@example.com",
    phone: null,
    name: "Sample User",
    avatar: null,
    owner_id: null,
    created_at: "2026-01-10T04:03:04.963+00:00",
    updated_at: "2026-01-10T05:20:30.118+00:00",
    signed_up_at: null,
    last_seen_at: null,
    custom_attributes: {},
    tags: { type: "list", data: [], url: `/contacts/${CONTACT_ID}/tags`, total_count: 0 },
    companies: { type: "list", data: [], url: `/contacts/${CONTACT_ID}/companies`, total_count: 0 },
    ...overrides,
  };
}

const context: NotificationContext = {
  incomingAttributes: [],
  region: "US",
  ownTagIds: new Set(),
  segmentNames: new Set(),
  receivedAt: new Date("2026-01-10T06:00:00Z"),
};

function plan(body: unknown) {
  const parsed = parseNotification(body);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return planNotification(parsed.notification, context);
}

describe("contact unarchived ([ZF] contact_unarchived.json: topic `contact.unarchived`)", () => {
  // intercom-api.md §4.2 lists the topic as `contact.unarchive` (its reading of [WHM]); the 2.6
  // changelog names the new topics "archived … unarchived"; the body Intercom delivered in January
  // 2026 says `"topic": "contact.unarchived"`, with the whole contact as its item. The capture is
  // what Intercom sends, so both spellings must be taken.
  it("the connector acts on the topic Intercom sends, clearing the archived mark", () => {
    expect(topicAction("contact.unarchived")).toEqual({ kind: "unarchived" });
    const result = plan(captured("contact.unarchived", wholeContact()));
    expect(result).toMatchObject({
      kind: "write",
      entries: [
        {
          type: "traits",
          claims: { anonymous_id: `intercom:${CONTACT_ID}` },
          create: false,
          body: { "intercom/archived_at": null },
        },
      ],
    });
  });

  it("the connector still takes the spelling intercom-api.md §4.2 gives", () => {
    expect(topicAction("contact.unarchive")).toEqual({ kind: "unarchived" });
  });

  it("the stand-in can send the topic Intercom sends", () => {
    expect(sandboxTopics).toContain("contact.unarchived");
  });
});

describe("a whole contact item with ISO-8601 times ([ZF] contact_unarchived.json's item)", () => {
  // Webhook contact items carry ISO strings where the REST API gives Unix seconds: the mapping
  // must read both as the same instant.
  it("maps its times as the instants they name", () => {
    const result = plan(captured("contact.lead.updated", wholeContact({ role: "lead" })));
    expect(result.kind).toBe("write");
    const body = result.kind === "write" ? result.entries[0]!.body : {};
    expect(body).toMatchObject({
      "intercom/created_at": { operation: "setIfNull", value: "2026-01-10T04:03:04.963Z" },
      "intercom/updated_at": { operation: "setIfNull", value: "2026-01-10T05:20:30.118Z" },
    });
  });
});

describe("archive and deletion marks ([ZF] contact_archived.json, contact_deleted.json)", () => {
  // Both items are minimal: {id, external_id, type: "contact", archived|deleted: true}, as
  // intercom-api.md §4.4 and the 2.16 models page ("*.deleted topics send a minimal payload") say.
  it.each([
    ["contact.archived", { archived: true }, "intercom/archived_at"],
    ["contact.deleted", { deleted: true }, "intercom/deleted_at"],
  ] as const)("%s writes its mark from the minimal item", (topic, flag, attribute) => {
    const item = { id: CONTACT_ID, external_id: "22", type: "contact", ...flag };
    const result = plan(captured(topic, item, 1_768_019_637));
    expect(result.kind).toBe("write");
    const entries = result.kind === "write" ? result.entries : [];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ type: "traits", create: false });
    expect(Object.keys(entries[0]!.body)).toEqual([attribute]);
    expect(sandboxTopics).toContain(topic);
  });
});

describe("company topics ([ZF] company_deleted.json, company_contact_attached.json)", () => {
  it("company.deleted: the item is {id, type: company, deleted: true}; the account is marked", () => {
    const item = { id: "6961d38729675009a437c3bf", type: "company", deleted: true };
    const result = plan(captured("company.deleted", item, 1_768_019_067));
    expect(result).toMatchObject({
      kind: "write",
      entries: [
        {
          type: "traits",
          account: { anonymous_id: "intercom:6961d38729675009a437c3bf" },
          create: false,
        },
      ],
    });
    expect(companyTopics).toContain("company.deleted");
  });

  it("company.contact.attached: the item is {company, contact} with no type of its own; the user is linked", () => {
    // The captured item has exactly two keys, `company` (ISO times, `tag_ids`) and `contact` (the
    // whole contact, listing the attached company as a reference {id, type, url}); the stand-in's
    // `{type: "contact_company", created_at, …}` is an inference (ADR 019) the connector must not need.
    const companyId = "6961d175205cf6a4438f0c21";
    const item = {
      company: {
        type: "company",
        id: companyId,
        company_id: "6961d175205cf6a4438f0c22-qualification-company",
        app_id: APP_ID,
        name: null,
        created_at: "2026-01-10T04:11:34.013+00:00",
        updated_at: "2026-01-10T04:11:34.091+00:00",
        tag_ids: [],
        custom_attributes: {},
      },
      contact: wholeContact({
        id: "6961d162fb0ef1f1ac90ce8c",
        role: "lead",
        external_id: "3c5f32be-a02e-413c-9a0f-4f5518e9d495",
        companies: {
          type: "list",
          data: [{ id: companyId, type: "company", url: `/companies/${companyId}` }],
          total_count: 1,
        },
      }),
    };
    const result = plan(captured("company.contact.attached", item, 1_768_018_294));
    expect(result).toMatchObject({
      kind: "write",
      entries: [
        {
          type: "traits",
          // A lead is claimed by its visitor id, `intercom:<external_id>` (DESIGN.md §4).
          claims: { anonymous_id: "intercom:3c5f32be-a02e-413c-9a0f-4f5518e9d495" },
          account: {
            anonymous_id: `intercom:${companyId}`,
            external_id: "6961d175205cf6a4438f0c22-qualification-company",
          },
        },
      ],
    });
  });
});
