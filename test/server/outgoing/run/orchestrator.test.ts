/**
 * The outgoing orchestration (sendUsers → contact upsert → events → bulk tags → write-back) over
 * in-memory fakes: each case asserts the Intercom requests made, in order, and what Hull is told.
 */
import { describe, expect, it } from "vitest";
import { IntercomApiError } from "../../../../server/clients/intercom/errors";
import { RetryableError } from "../../../../server/errors";
import type { UserUpdate } from "../../../../server/outgoing/hull-input/user-update";
import { sendUsers } from "../../../../server/outgoing/run/send-users";
import type { ConnectorSettings } from "../../../../server/settings";
import { SEGMENT_A, SEGMENT_B, settings as baseSettings, update, user } from "../builders";
import { fakeIntercom, fakeRun } from "../helpers/fake-run";

const settings = (overrides: Partial<ConnectorSettings> = {}) =>
  baseSettings({
    outgoingAttributes: [{ hull: "name", name: "name", overwrite: true }],
    ...overrides,
  });

const everything = (updates: UserUpdate[]) => ({
  send: updates.map((one) => ({ update: one, decision: { send: "everything" as const } })),
  skipped: [],
});

/** A Hull user new to Intercom, entering segment A, with one whitelisted event. */
const newcomer = (index: number) =>
  update({
    user: user({ id: `u${index}`, email: `n${index}@example.com`, name: `N ${index}` }),
    events: [{ event: "Signed up", created_at: "2026-11-30T10:00:00Z", properties: {} }],
    changes: { isNew: true, user: {}, entered: [SEGMENT_A], left: [] },
  });

const traitsOf = (
  entries: { type: string; claims: { id?: string }; body: unknown }[],
  id: string,
) =>
  Object.assign(
    {},
    ...entries
      .filter((entry) => entry.type === "traits" && entry.claims.id === id)
      .map((entry) => entry.body),
  ) as Record<string, unknown>;

/** Intercom's 409 on `POST /contacts` worded without the id of the duplicate. */
const unnamedConflict = () =>
  new IntercomApiError(
    409,
    "conflict",
    "A contact matching those details already exists",
    "POST",
    "/contacts",
  );

describe("contact upsert decisions", () => {
  it("updates the contact Hull knows the id of in one request, nothing else", async () => {
    const intercom = fakeIntercom();
    const id = intercom.seed({ email: "ada@example.com" });
    const { run } = fakeRun(settings(), intercom);
    const known = update({
      user: user({ name: "Ada", "intercom/id": id, "intercom/is_lead": false }),
      changes: { isNew: false, user: { name: ["A", "Ada"] }, entered: [], left: [] },
    });
    const { outcomes, unsent } = await sendUsers(run, everything([known]));
    expect(intercom.calls).toEqual([`PUT /contacts/${id}`]);
    expect(unsent).toEqual([]);
    expect(outcomes[0]).toMatchObject({ contactId: id, created: false, problems: [] });
    expect(intercom.contacts.get(id)?.name).toBe("Ada");
  });

  it("creates first when Hull holds no Intercom id, and tells Hull the id and alias", async () => {
    const { run, intercom, firehose } = fakeRun(settings());
    const { outcomes } = await sendUsers(run, everything([newcomer(1)]));
    expect(intercom.calls).toEqual(["POST /contacts", "POST /events", "POST /tags"]);
    const id = outcomes[0]!.contactId!;
    expect(outcomes[0]).toMatchObject({ created: true, events: 1, tagged: 1 });
    expect(traitsOf(firehose, "u1")).toMatchObject({
      "intercom/id": id,
      "intercom/is_lead": false,
      "intercom/tags": [SEGMENT_A.name],
    });
    expect(firehose).toContainEqual({
      type: "alias",
      claims: { id: "u1" },
      body: { anonymous_id: `intercom:${id}` },
    });
  });

  it("turns a 409 into an update of the contact Intercom names, without a search", async () => {
    const intercom = fakeIntercom();
    const existing = intercom.seed({ email: "n1@example.com" });
    const { run, firehose } = fakeRun(settings(), intercom);
    const { outcomes } = await sendUsers(run, everything([newcomer(1)]));
    expect(intercom.calls.slice(0, 2)).toEqual(["POST /contacts", `PUT /contacts/${existing}`]);
    expect(intercom.calls.some((call) => call.includes("search"))).toBe(false);
    expect(outcomes[0]).toMatchObject({ contactId: existing, created: false });
    expect(outcomes[0]!.warnings.join()).toContain("already had this contact");
    expect(traitsOf(firehose, "u1")["intercom/id"]).toBe(existing);
  });

  // Kind: the 409's wording is all that names the duplicate, and no Intercom artefact documents
  // it. A 409 naming no id must not refuse a person Intercom already has.
  it("finds the duplicate of a 409 that names no id by external_id, then by email", async () => {
    const intercom = fakeIntercom();
    const byExternalId = intercom.seed({ email: "n1@example.com", external_id: "n-1" });
    const byEmail = intercom.seed({ email: "n2@example.com" });
    const { run, firehose } = fakeRun(settings(), intercom);
    const withExternalId = newcomer(1);
    withExternalId.user.external_id = "n-1";
    intercom.failNext("POST /contacts", unnamedConflict());
    intercom.failNext("POST /contacts", unnamedConflict());
    const { outcomes } = await sendUsers(run, everything([withExternalId, newcomer(2)]));
    expect(intercom.calls).toEqual(
      expect.arrayContaining([
        "GET /contacts/find_by_external_id/n-1",
        `PUT /contacts/${byExternalId}`,
        "POST /contacts/search",
        `PUT /contacts/${byEmail}`,
      ]),
    );
    const byUser = Object.fromEntries(
      outcomes.map((outcome) => [outcome.userId, [outcome.contactId, outcome.problems]]),
    );
    expect(byUser).toEqual({ u1: [byExternalId, []], u2: [byEmail, []] });
    expect(traitsOf(firehose, "u2")["intercom/id"]).toBe(byEmail);
    expect(intercom.contacts.size).toBe(2);
  });

  it.each([
    ["no contact has the email", {}],
    ["only a lead has it", { email: "n3@example.com", role: "lead" as const }],
    ["another customer (external_id) has it", { email: "n3@example.com", external_id: "other" }],
  ])("still refuses a 409 naming no id when %s", async (_case, seeded) => {
    const intercom = fakeIntercom();
    if ("email" in seeded) intercom.seed(seeded);
    const { run } = fakeRun(settings(), intercom);
    const withExternalId = newcomer(3);
    withExternalId.user.external_id = "n-3";
    intercom.failNext("POST /contacts", unnamedConflict());
    const { outcomes } = await sendUsers(run, everything([withExternalId]));
    expect(outcomes[0]!.problems.join()).toContain("already exists");
    expect(intercom.calls.filter((call) => call.startsWith("PUT"))).toEqual([]);
  });

  it("leaves an archived duplicate alone (unarchive_contacts off) and tells Hull why", async () => {
    const intercom = fakeIntercom();
    const archived = intercom.seed({ email: "n1@example.com", archived: true });
    const { run, firehose } = fakeRun(settings({ unarchiveContacts: false }), intercom);
    const { outcomes } = await sendUsers(run, everything([newcomer(1)]));
    expect(intercom.calls).toEqual(["POST /contacts"]);
    expect(outcomes[0]?.skipped).toContain("archived in Intercom");
    expect(traitsOf(firehose, "u1")).toMatchObject({
      "intercom/id": archived,
      "intercom/skipped_reason": "archived in Intercom (unarchive_contacts is off)",
    });
    expect(intercom.events).toEqual([]);
  });

  it("unarchives an archived duplicate when allowed, then writes it with the whole picture", async () => {
    const intercom = fakeIntercom();
    const archived = intercom.seed({ email: "n1@example.com", archived: true });
    const { run } = fakeRun(settings({ unarchiveContacts: true }), intercom);
    const { outcomes } = await sendUsers(run, everything([newcomer(1)]));
    expect(intercom.calls.slice(0, 3)).toEqual([
      "POST /contacts",
      `POST /contacts/${archived}/unarchive`,
      `PUT /contacts/${archived}`,
    ]);
    expect(outcomes[0]).toMatchObject({ contactId: archived, tagged: 1 });
    expect(intercom.tagNamesOf(archived)).toEqual([SEGMENT_A.name]);
  });

  it("forgets an id Intercom no longer has (404) and creates the contact again", async () => {
    const { run, intercom, firehose } = fakeRun(settings());
    const stale = update({
      user: user({ name: "Ada", "intercom/id": "gone" }),
      changes: { isNew: false, user: { name: ["A", "Ada"] }, entered: [], left: [] },
    });
    const { outcomes } = await sendUsers(run, everything([stale]));
    expect(intercom.calls.slice(0, 2)).toEqual(["PUT /contacts/gone", "POST /contacts"]);
    const id = outcomes[0]!.contactId!;
    expect(id).not.toBe("gone");
    expect(outcomes[0]!.warnings.join()).toContain("no longer has contact gone");
    expect(traitsOf(firehose, "u1")["intercom/id"]).toBe(id);
  });

  it("writes a known lead as a lead", async () => {
    const intercom = fakeIntercom();
    const lead = intercom.seed({ role: "lead", email: "ada@example.com" });
    const { run, firehose } = fakeRun(settings(), intercom);
    const known = update({
      user: user({ name: "Ada", "intercom/id": lead, "intercom/is_lead": true }),
      changes: { isNew: false, user: { name: ["A", "Ada"] }, entered: [], left: [] },
    });
    const { outcomes } = await sendUsers(run, everything([known]));
    expect(intercom.calls).toEqual([`PUT /contacts/${lead}`]);
    expect(intercom.contacts.get(lead)?.role).toBe("lead");
    expect(outcomes[0]).toMatchObject({ contactId: lead, converted: false });
    expect(traitsOf(firehose, "u1")["intercom/is_lead"]).toBeUndefined(); // unchanged
  });

  it("merges a lead whose person signed up into the user Intercom has for that external_id", async () => {
    const intercom = fakeIntercom();
    const lead = intercom.seed({ role: "lead", email: "ada@example.com" });
    const member = intercom.seed({ role: "user", external_id: "ada-1" });
    const { run, firehose } = fakeRun(settings(), intercom);
    const signedUp = update({
      user: user({ external_id: "ada-1", "intercom/id": lead, "intercom/is_lead": true }),
      changes: { isNew: false, user: { external_id: [null, "ada-1"] }, entered: [], left: [] },
    });
    const { outcomes } = await sendUsers(run, everything([signedUp]));
    expect(intercom.calls.slice(0, 2)).toEqual([
      "GET /contacts/find_by_external_id/ada-1",
      "POST /contacts/merge",
    ]);
    expect(outcomes[0]).toMatchObject({ contactId: member, converted: true });
    expect(traitsOf(firehose, "u1")).toMatchObject({
      "intercom/id": member,
      "intercom/is_lead": false,
    });
  });

  it("reports a contact Intercom refuses, with its events and tags as not sent", async () => {
    const { run, intercom } = fakeRun(settings());
    intercom.failNext(
      "POST /contacts",
      new (await import("../../../../server/clients/intercom/errors")).IntercomApiError(
        400,
        "parameter_invalid",
        "bad email",
        "POST",
        "/contacts",
      ),
    );
    const { outcomes, unsent, stoppedBy } = await sendUsers(run, everything([newcomer(1)]));
    expect(stoppedBy).toBeUndefined();
    expect(unsent).toEqual([]);
    expect(outcomes[0]).toMatchObject({ eventsFailed: 1, tagsFailed: 1 });
    expect(intercom.calls).toEqual(["POST /contacts"]);
  });
});

describe("rate limits", () => {
  it("keeps a rate-limited user unsent (for the pending store), never half-reported", async () => {
    const { run, intercom, firehose } = fakeRun(settings());
    intercom.failNext(
      "POST /contacts",
      new RetryableError("Intercom's rate limit is exhausted", 4000),
    );
    const users = [newcomer(1), newcomer(2)];
    const { outcomes, unsent, stoppedBy } = await sendUsers(run, everything(users), {
      concurrency: 1,
    });
    expect(stoppedBy).toBeInstanceOf(RetryableError);
    expect(unsent.map((entry) => entry.update.user.id)).toEqual(["u1", "u2"]);
    expect(outcomes).toEqual([]);
    expect(firehose).toEqual([]);
  });

  it("keeps users whose bulk tag request was rate-limited, and still tells Hull their ids", async () => {
    const { run, intercom, firehose } = fakeRun(settings());
    intercom.failNext("POST /tags", new RetryableError("Intercom's rate limit is exhausted", 4000));
    const { outcomes, unsent, stoppedBy } = await sendUsers(
      run,
      everything([newcomer(1), newcomer(2)]),
    );
    expect(stoppedBy).toBeInstanceOf(RetryableError);
    expect(unsent.map((entry) => entry.update.user.id).sort()).toEqual(["u1", "u2"]);
    expect(outcomes).toEqual([]);
    // The contacts exist: Hull learns their ids, so the next attempt updates them.
    expect(traitsOf(firehose, "u1")["intercom/id"]).toEqual(expect.any(String));
    expect(traitsOf(firehose, "u1")["intercom/tags"]).toBeUndefined();
  });
});

describe("segment tags", () => {
  it("tags every user entering a segment in one request per segment", async () => {
    const { run, intercom, savedMappings } = fakeRun(settings());
    const users = Array.from({ length: 30 }, (_, index) => newcomer(index));
    const { outcomes } = await sendUsers(run, everything(users));
    const count = (line: string) => intercom.calls.filter((call) => call === line).length;
    expect(count("POST /contacts")).toBe(30);
    expect(count("POST /events")).toBe(30);
    expect(count("POST /tags")).toBe(1);
    expect(intercom.calls.length).toBe(61);
    expect(outcomes.every((outcome) => outcome.tagged === 1)).toBe(true);
    for (const outcome of outcomes)
      expect(intercom.tagNamesOf(outcome.contactId!)).toEqual([SEGMENT_A.name]);
    expect(savedMappings).toEqual([{ [SEGMENT_A.id]: expect.any(String) }]);
  });

  it("tags one by one when Intercom refuses a bulk request, so only the refused one fails", async () => {
    const intercom = fakeIntercom();
    const alive = intercom.seed({ email: "a@example.com" });
    const { run } = fakeRun(settings({ tagMapping: {} }), intercom);
    const entering = (id: string, contactId: string) =>
      update({
        user: user({ id, "intercom/id": contactId, segment_ids: [SEGMENT_A.id] }),
        changes: { isNew: false, user: {}, entered: [SEGMENT_A], left: [] },
      });
    const { outcomes } = await sendUsers(
      run,
      everything([entering("u1", alive), entering("u2", "gone")]),
    );
    const byUser = new Map(outcomes.map((outcome) => [outcome.userId, outcome]));
    expect(byUser.get("u1")?.tagged).toBe(1);
    expect(byUser.get("u2")?.problems.join()).toContain("User Not Found");
    expect(intercom.tagNamesOf(alive)).toEqual([SEGMENT_A.name]);
  });

  it("removes the tag of a segment left, per contact, with the mapped tag id", async () => {
    const intercom = fakeIntercom();
    const id = intercom.seed({ email: "ada@example.com" });
    intercom.tags.set("7", SEGMENT_B.name);
    intercom.contacts.get(id)!.tagIds.add("7");
    const { run, firehose } = fakeRun(settings({ tagMapping: { [SEGMENT_B.id]: "7" } }), intercom);
    const left = update({
      user: user({
        "intercom/id": id,
        segment_ids: [SEGMENT_A.id],
        "intercom/tags": [SEGMENT_A.name, SEGMENT_B.name],
      }),
      changes: { isNew: false, user: {}, entered: [], left: [SEGMENT_B] },
    });
    const { outcomes } = await sendUsers(run, everything([left]));
    expect(intercom.calls).toEqual([`DELETE /contacts/${id}/tags/7`]);
    expect(outcomes[0]).toMatchObject({ untagged: 1, problems: [] });
    expect(traitsOf(firehose, "u1")["intercom/tags"]).toEqual([SEGMENT_A.name]);
  });

  it("costs a steady user with nothing new for Intercom's tags no tag request", async () => {
    const intercom = fakeIntercom();
    const id = intercom.seed({ email: "ada@example.com" });
    const { run } = fakeRun(settings(), intercom);
    const steady = update({
      user: user({ name: "Ada", "intercom/id": id, "intercom/tags": [SEGMENT_A.name] }),
      changes: { isNew: false, user: { name: ["A", "Ada"] }, entered: [], left: [] },
    });
    await sendUsers(run, everything([steady]));
    expect(intercom.calls).toEqual([`PUT /contacts/${id}`]);
  });
});
