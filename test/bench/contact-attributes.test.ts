// The fetch baselines must write what the connector writes for the same contact (ADR 024), or the
// bench compares the connector with a script doing less work.
import { describe, expect, it } from "vitest";
import { attributesOf, type BaselineContact } from "../../bench/baselines/contact-attributes";
import {
  generateContact,
  type GeneratedBlock,
} from "../../sandbox/intercom/store/generated-contacts";
import { toRestContact } from "../../sandbox/intercom/store/contact-view";
import { mapContactToHullUser } from "../../server/incoming/mapping/contact-to-hull-user";

const block: GeneratedBlock = { start: 0, count: 1_000, role: "user", addedAt: 1_790_000_000 };

/** A user contact as the Intercom stand-in serves it on `POST /contacts/search`. */
function servedContact(seq: number): BaselineContact & Record<string, unknown> {
  return toRestContact(generateContact(block, seq, `6600${seq}`, 7), "ws1") as BaselineContact &
    Record<string, unknown>;
}

const connectorWrites = (contact: Record<string, unknown>) =>
  mapContactToHullUser(contact, { incomingAttributes: [] })?.attributes;

describe("the fetch baselines' contact attributes", () => {
  it("are the connector's, value for value, for the stand-in's generated users", () => {
    for (const seq of [0, 1, 17, 999]) {
      const contact = servedContact(seq);
      expect(attributesOf(contact)).toEqual({ ...connectorWrites(contact) });
    }
  });

  it("stay the connector's when the optional fields carry values", () => {
    const contact = {
      ...servedContact(3),
      browser: "chrome",
      browser_version: "120.0",
      os: "macOS",
      utm_source: "newsletter",
      referrer: "https://example.com/",
      last_replied_at: 1_780_000_000,
      last_email_opened_at: 0,
      has_hard_bounced: true,
      avatar: { type: "avatar", image_url: "https://example.com/a.png" },
      location: {
        type: "location",
        country: "France",
        region: "Île-de-France",
        city: "Paris",
        country_code: "FRA",
        continent_code: "EU",
      },
    };
    const written = attributesOf(contact);
    expect(written).toEqual({ ...connectorWrites(contact) });
    // So that the comparison above cannot pass on two empty records.
    expect(Object.keys(written).length).toBeGreaterThan(30);
    expect(written["intercom/location_country_code"]).toBe("FRA");
    expect(written["intercom/last_email_opened_at"]).toBeNull();
  });

  it("agree on an avatar given as its URL, as intercom-client 7.0.3 types it", () => {
    const contact = { ...servedContact(5), avatar: "https://example.com/b.png" };
    expect(attributesOf(contact)).toEqual({ ...connectorWrites(contact) });
    expect(attributesOf(contact)["intercom/avatar"]).toBe("https://example.com/b.png");
  });
});
