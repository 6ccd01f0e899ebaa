import { describe, expect, it } from "vitest";
import type { AccountSettings } from "../../../server/accounts/account-settings";
import { attachContactsToCompanies } from "../../../server/accounts/outgoing/company-contacts";
import { sendAccountExtract } from "../../../server/accounts/outgoing/account-extract-job";
import { handleAccountNotification } from "../../../server/accounts/outgoing/handle-account-notification";
import { createCustomAttributeCache } from "../../../server/outgoing/intercom/custom-attributes";
import type { OutgoingDeps } from "../../../server/outgoing/run/open-outgoing-run";
import { syncAccounts, type AccountRun } from "../../../server/accounts/outgoing/sync-accounts";
import { RetryableError } from "../../../server/errors";
import { createActivityLog } from "../../../server/activity";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import type { IntercomApi } from "../../../server/clients/intercom/api";
import { IntercomApiError } from "../../../server/clients/intercom/errors";
import { createLogger } from "../../../server/log";

const SEGMENT = { id: "5f0000000000000000000001", name: "Enterprise" };

/** A run over a recording fake of Intercom's company calls and of Hull's firehose. */
function fakeRun(settings: Partial<AccountSettings> = {}) {
  const calls: string[] = [];
  const written: FirehoseEntry[] = [];
  const savedSettings: Record<string, unknown>[] = [];
  const api = {
    upsertCompany: async (body: { company_id: string }) => {
      calls.push(`POST /companies ${JSON.stringify(body)}`);
      return { type: "company", id: `ic-${body.company_id}`, tags: { tags: [] } };
    },
    getCompany: async (id: string) => {
      calls.push(`GET /companies/${id}`);
      return { type: "company", id, name: "Intercom name" };
    },
    tagCompanies: async (name: string, ids: string[]) => {
      calls.push(`tag ${name} ${ids.join(",")}`);
      if (ids[0] === "ic-gone")
        throw new IntercomApiError(404, "company_not_found", "Company Not Found", "POST", "/tags");
      return { type: "tag", id: "tag-1", name };
    },
    renameTag: async (id: string, name: string) => {
      calls.push(`rename ${id} ${name}`);
      if (id === "tag-gone")
        throw new IntercomApiError(404, "not_found", "Resource Not Found", "POST", "/tags");
      return { type: "tag", id, name };
    },
    untagCompanies: async (name: string, ids: string[]) => {
      calls.push(`untag ${name} ${ids.join(",")}`);
      return { type: "tag", id: "tag-1", name };
    },
    attachContact: async (contact: string, company: string) => {
      calls.push(`attach ${contact} ${company}`);
      if (contact === "refused")
        throw new IntercomApiError(400, "contact_company_limit_exceeded", "limit", "POST", "/x");
      return { type: "company", id: company };
    },
    detachContact: async (contact: string, company: string) => {
      calls.push(`detach ${contact} ${company}`);
      throw new IntercomApiError(404, "company_not_found", "Company Not Found", "DELETE", "/x");
    },
  };
  const run: AccountRun = {
    credentials: { id: "c1", organization: "org.example", secret: "s" },
    settings: {
      synchronizedAccountSegments: [SEGMENT.id],
      outgoingAccountAttributes: [],
      incomingAccountAttributes: [],
      accountTagMapping: {},
      ...settings,
    },
    api: api as unknown as IntercomApi,
    firehose: {
      write: async (_credentials, entries) => {
        written.push(...entries);
      },
      flush: async () => undefined,
    },
    hull: {
      getConnector: async () => ({ id: "c1", settings: {}, private_settings: {} }),
      updateSettings: async (update: { private_settings: Record<string, unknown> }) => {
        savedSettings.push(update.private_settings);
        return { id: "c1", settings: {}, private_settings: update.private_settings };
      },
    } as unknown as AccountRun["hull"],
    logger: createLogger("silent"),
    activity: createActivityLog(),
    customAttributes: {
      types: async () => new Map(),
      ensure: async (missing) => ({
        usable: new Set(missing.map(({ name }) => name)),
        refused: [],
      }),
    },
  };
  return { run, calls, written, savedSettings };
}

describe("outgoing accounts", () => {
  it("upserts a synchronized account, tags it, and tells Hull its id and tags", async () => {
    const { run, calls, written, savedSettings } = fakeRun();
    const [outcome] = await syncAccounts(run, [
      {
        account: { id: "h1", external_id: "globex-1", name: "Globex" },
        segments: [SEGMENT],
        left: [],
      },
    ]);
    expect(outcome).toMatchObject({ companyId: "ic-globex-1", upserted: true, tagged: 1 });
    expect(calls).toEqual([
      'POST /companies {"company_id":"globex-1","name":"Globex"}',
      "tag Enterprise ic-globex-1",
    ]);
    expect(written).toEqual([
      {
        type: "traits",
        claims: {},
        account: { id: "h1", anonymous_id: "intercom:ic-globex-1" },
        body: { "intercom/id": "ic-globex-1", "intercom/tags": ["Enterprise"] },
      },
    ]);
    expect(savedSettings).toEqual([{ account_tag_mapping: { [SEGMENT.id]: "tag-1" } }]);
  });

  it("names the mapped tag after its renamed segment before tagging by name, once a run (no second tag)", async () => {
    const { run, calls, savedSettings } = fakeRun({ accountTagMapping: { [SEGMENT.id]: "tag-7" } });
    const renamed = { ...SEGMENT, name: "Enterprise accounts" };
    await syncAccounts(run, [
      { account: { id: "h1", external_id: "globex-1" }, segments: [renamed], left: [] },
      { account: { id: "h2", external_id: "initech-1" }, segments: [renamed], left: [] },
    ]);
    expect(calls.filter((call) => !call.startsWith("POST /companies"))).toEqual([
      "rename tag-7 Enterprise accounts",
      "tag Enterprise accounts ic-globex-1",
      "tag Enterprise accounts ic-initech-1",
    ]);
    expect(savedSettings).toEqual([]);
  });

  it("learns the tag found by name when Intercom no longer has the mapped one", async () => {
    const { run, calls, savedSettings } = fakeRun({
      accountTagMapping: { [SEGMENT.id]: "tag-gone" },
    });
    await syncAccounts(run, [
      { account: { id: "h1", external_id: "globex-1" }, segments: [SEGMENT], left: [] },
    ]);
    expect(calls).toContain("rename tag-gone Enterprise");
    expect(savedSettings).toEqual([{ account_tag_mapping: { [SEGMENT.id]: "tag-1" } }]);
  });

  it("costs no request for a steady account Hull already knows in Intercom", async () => {
    const { run, calls, written } = fakeRun();
    await syncAccounts(run, [
      {
        account: {
          id: "h1",
          external_id: "globex-1",
          name: "Globex",
          "intercom/id": "ic-globex-1",
          "intercom/name": "Globex",
          "intercom/tags": ["enterprise"],
        },
        segments: [SEGMENT],
        left: [],
      },
    ]);
    expect(calls).toEqual([]);
    expect(written).toEqual([]);
  });

  it("makes a company deleted in Intercom again, once, and tells Hull its new id", async () => {
    const { run, calls, written } = fakeRun();
    const [outcome] = await syncAccounts(run, [
      {
        account: {
          id: "h1",
          external_id: "globex-1",
          name: "Globex",
          "intercom/id": "ic-gone",
          "intercom/name": "Globex",
        },
        segments: [SEGMENT],
        left: [],
      },
    ]);
    expect(calls).toEqual([
      "tag Enterprise ic-gone",
      'POST /companies {"company_id":"globex-1","name":"Globex"}',
      "tag Enterprise ic-globex-1",
    ]);
    expect(outcome).toMatchObject({ companyId: "ic-globex-1", problems: [] });
    expect(written[0]?.body).toMatchObject({ "intercom/id": "ic-globex-1" });
  });

  it("untags an account that left the synchronized segment, without upserting it", async () => {
    const { run, calls } = fakeRun();
    await syncAccounts(run, [
      {
        account: { id: "h1", external_id: "globex-1", "intercom/id": "ic-globex-1" },
        segments: [],
        left: [SEGMENT],
      },
    ]);
    expect(calls).toEqual(["untag Enterprise ic-globex-1"]);
  });

  it("skips accounts outside the whitelist (empty = none) and accounts without a company_id", async () => {
    const none = fakeRun({ synchronizedAccountSegments: [] });
    const [outside] = await syncAccounts(none.run, [
      { account: { id: "h1", external_id: "x" }, segments: [SEGMENT], left: [] },
    ]);
    expect(outside?.skipped).toMatch(/not in a synchronized account segment/);
    const keyless = fakeRun();
    const [noKey] = await syncAccounts(keyless.run, [
      { account: { id: "h2" }, segments: [SEGMENT], left: [] },
    ]);
    expect(noKey?.skipped).toMatch(/no external_id nor domain/);
    expect([...none.calls, ...keyless.calls]).toEqual([]);
  });
});

describe("contacts ↔ companies", () => {
  const account = { id: "h1", external_id: "globex-1", "intercom/id": "ic-globex-1" };

  it("attaches a contact to its synchronized account's company once, then costs nothing", async () => {
    const { run, calls, written } = fakeRun();
    await attachContactsToCompanies(run, [
      { userId: "u1", contactId: "k1", user: {}, account, accountSegmentIds: [SEGMENT.id] },
    ]);
    expect(calls).toEqual(["attach k1 ic-globex-1"]);
    expect(written).toEqual([
      {
        type: "traits",
        claims: { id: "u1" },
        body: { "intercom/attached_company_id": "ic-globex-1" },
      },
    ]);
    calls.length = 0;
    await attachContactsToCompanies(run, [
      {
        userId: "u1",
        contactId: "k1",
        user: { "intercom/attached_company_id": "ic-globex-1" },
        account,
        accountSegmentIds: [SEGMENT.id],
      },
    ]);
    expect(calls).toEqual([]);
  });

  it("detaches a contact whose user left the account (a company already gone is fine)", async () => {
    const { run, calls, written } = fakeRun();
    await attachContactsToCompanies(run, [
      {
        userId: "u1",
        contactId: "k1",
        user: { "intercom/attached_company_id": "ic-old" },
        accountSegmentIds: [],
      },
    ]);
    expect(calls).toEqual(["detach k1 ic-old"]);
    expect(written[0]?.body).toEqual({ "intercom/attached_company_id": null });
  });

  it("reports a refused attachment and goes on with the next contact", async () => {
    const { run, calls } = fakeRun();
    await attachContactsToCompanies(run, [
      { userId: "u0", contactId: "refused", user: {}, account, accountSegmentIds: [SEGMENT.id] },
      { userId: "u1", contactId: "k1", user: {}, account, accountSegmentIds: [SEGMENT.id] },
    ]);
    expect(calls).toEqual(["attach refused ic-globex-1", "attach k1 ic-globex-1"]);
    expect((await run.activity.snapshot("c1")).counters["outgoing.contacts.attach_failed"]).toBe(1);
  });

  it("makes the company of an account Intercom lacks, untagged until its own account:update", async () => {
    const { run, calls, savedSettings } = fakeRun();
    await attachContactsToCompanies(run, [
      {
        userId: "u1",
        contactId: "k1",
        user: {},
        account: { id: "h9", external_id: "initech-9" },
        accountSegmentIds: [SEGMENT.id],
      },
    ]);
    expect(calls).toEqual(['POST /companies {"company_id":"initech-9"}', "attach k1 ic-initech-9"]);
    expect(savedSettings).toEqual([]);
  });
});

async function* linesOf(values: readonly unknown[]): AsyncIterable<string> {
  for (const value of values) yield typeof value === "string" ? value : JSON.stringify(value);
}

describe("manual “Send to Intercom” of accounts (account_report extract)", () => {
  const report = (n: number, segmentIds: string[] = []) => ({
    id: `h${n}`,
    external_id: `acct-${n}`,
    name: `Account ${n}`,
    segment_ids: segmentIds,
  });
  const PROSPECTS = { id: "5f0000000000000000000002", name: "Prospects" };
  const names = new Map([
    [SEGMENT.id, SEGMENT.name],
    [PROSPECTS.id, PROSPECTS.name],
  ]);

  it("sends every account, whatever the whitelist, tagged with all its segments, one checkpoint per chunk", async () => {
    // No synchronized account segment at all: an account:update would send nothing.
    const { run, calls } = fakeRun({ synchronizedAccountSegments: [] });
    const checkpoints: [number, number][] = [];
    const summary = await sendAccountExtract(
      run,
      linesOf([report(1, [PROSPECTS.id]), "{not json", report(2), { id: "h3" }]),
      {
        segmentNames: names,
        chunkSize: 2,
        onChunkDone: async (lines, progress) => {
          checkpoints.push([lines, progress.synced]);
        },
      },
    );
    expect(summary).toEqual({ accounts: 3, synced: 2, failed: 0, skipped: 1, unreadable: 1 });
    expect(calls).toEqual([
      'POST /companies {"company_id":"acct-1","name":"Account 1"}',
      "tag Prospects ic-acct-1",
      'POST /companies {"company_id":"acct-2","name":"Account 2"}',
    ]);
    expect(checkpoints).toEqual([
      [2, 1],
      [4, 2],
    ]);
  });

  it("resumes after the lines an earlier run finished", async () => {
    const { run, calls } = fakeRun();
    const summary = await sendAccountExtract(run, linesOf([report(1), report(2)]), {
      segmentNames: names,
      skipLines: 1,
    });
    expect(summary.accounts).toBe(1);
    expect(calls).toEqual(['POST /companies {"company_id":"acct-2","name":"Account 2"}']);
  });

  it("waits out a rate limit (Intercom's time) and sends the account again; gives up after maxAttempts", async () => {
    const { run, calls } = fakeRun();
    const upsert = run.api.upsertCompany;
    let refusals = 1;
    run.api = {
      ...run.api,
      upsertCompany: async (body) => {
        if (refusals-- > 0) throw new RetryableError("rate limited", 2_000);
        return upsert(body);
      },
    };
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const summary = await sendAccountExtract(run, linesOf([report(1)]), {
      segmentNames: names,
      sleep,
    });
    expect(summary).toMatchObject({ accounts: 1, synced: 1, failed: 0 });
    expect(waits).toEqual([2_000]);
    expect(calls).toEqual(['POST /companies {"company_id":"acct-1","name":"Account 1"}']);

    refusals = Number.POSITIVE_INFINITY;
    await expect(
      sendAccountExtract(run, linesOf([report(2)]), {
        segmentNames: names,
        sleep,
        maxAttempts: 3,
        retryDelayMs: 5,
      }),
    ).rejects.toBeInstanceOf(RetryableError);
    expect(waits).toEqual([2_000, 2_000, 2_000]);
  });
});

describe("account:update with is_export (a “send to” export as a notification)", () => {
  it("sends the accounts whatever the whitelist; without is_export the empty whitelist sends none", async () => {
    const { run, calls } = fakeRun();
    const deps = {
      intercom: { forWorkspace: () => run.api },
      oauthApp: { apiUrl: () => "http://127.0.0.1:1" },
      logger: createLogger("silent"),
      firehose: run.firehose,
      activity: createActivityLog(),
      hullClient: () => run.hull,
    } as unknown as OutgoingDeps;
    const notification = (isExport: boolean) => ({
      credentials: run.credentials,
      connector: {
        id: "c1",
        settings: {},
        // No synchronized account segment: the whitelist is empty, which means none.
        private_settings: { access_token: "t", intercom_workspace: { app_id: "app1" } },
      },
      channel: "account:update",
      accountSegments: [SEGMENT],
      messages: [
        { account: { id: "h9", external_id: "acct-9" }, account_segment_ids: [SEGMENT.id] },
      ],
      isExport,
    });
    const options = { attributeCache: createCustomAttributeCache() };
    await handleAccountNotification(deps, notification(false), options);
    expect(calls).toEqual([]);
    await handleAccountNotification(deps, notification(true), options);
    expect(calls).toEqual(['POST /companies {"company_id":"acct-9"}', "tag Enterprise ic-acct-9"]);
  });
});
