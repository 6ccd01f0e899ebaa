/**
 * The accounts orchestrator (handleAccountNotification: the run opened once, channel by channel)
 * over recording fakes of Intercom's company calls, Hull's settings and the firehose: no HTTP, no
 * stand-in. Each case asserts the Intercom requests made, in order, and what Hull is told.
 */
import { describe, expect, it } from "vitest";
import {
  handleAccountNotification,
  type AccountNotification,
} from "../../../server/accounts/outgoing/handle-account-notification";
import { createActivityLog } from "../../../server/activity";
import type { IntercomApi } from "../../../server/clients/intercom/api";
import type { IntercomConnections } from "../../../server/clients/intercom/connections";
import { IntercomApiError } from "../../../server/clients/intercom/errors";
import { BadRequestError, ConfigurationError, RetryableError } from "../../../server/errors";
import { createLogger } from "../../../server/log";
import { createCustomAttributeCache } from "../../../server/outgoing/intercom/custom-attributes";
import type { OutgoingDeps } from "../../../server/outgoing/run/open-outgoing-run";
import { CREDENTIALS, fakeFirehose, fakeHull } from "../../helpers/fakes";

const ENTERPRISE = { id: "5f0000000000000000000001", name: "Enterprise" };
const OTHER = { id: "5f0000000000000000000002", name: "Other" };
const CONNECTED = { access_token: "token", intercom_workspace: { app_id: "app1", region: "us" } };

/** Intercom's company calls, recorded; `failing` makes every call throw that error. */
function fakeCompanies() {
  const fake = { calls: [] as string[], failing: undefined as unknown, api: {} as IntercomApi };
  const call = <T>(line: string, answer: T): T => {
    fake.calls.push(line);
    if (fake.failing) throw fake.failing;
    return answer;
  };
  fake.api = {
    upsertCompany: async (body: { company_id: string; name?: string }) =>
      call(`POST /companies ${body.company_id}`, {
        type: "company",
        id: `ic-${body.company_id}`,
        tags: { tags: [] },
      }),
    tagCompanies: async (name: string, ids: string[]) =>
      call(`tag ${name} ${ids.join(",")}`, { type: "tag", id: `tag-${name}`, name }),
    untagCompanies: async (name: string, ids: string[]) =>
      call(`untag ${name} ${ids.join(",")}`, { type: "tag", id: `tag-${name}`, name }),
    renameTag: async (id: string, name: string) =>
      call(`rename ${id} ${name}`, { type: "tag", id, name }),
    listCompanyDataAttributes: async () => call("GET /data_attributes?model=company", []),
  } as unknown as IntercomApi;
  return fake;
}

function setup(privateSettings: Record<string, unknown>) {
  const intercom = fakeCompanies();
  const hull = fakeHull(privateSettings);
  const firehose = fakeFirehose();
  const workspaces: string[] = [];
  const connections: IntercomConnections = {
    forWorkspace: (access) => {
      workspaces.push(access.appId);
      return intercom.api;
    },
    forToken: () => intercom.api,
    pacerOf: () => undefined,
  };
  const deps: OutgoingDeps = {
    intercom: connections,
    oauthApp: { apiUrl: "http://127.0.0.1:1" },
    logger: createLogger("silent"),
    firehose: firehose.writer,
    activity: createActivityLog(),
    hullClient: () => hull.client,
  };
  const handle = (channel: string, messages: unknown[]) =>
    handleAccountNotification(
      deps,
      {
        credentials: CREDENTIALS,
        connector: hull.connector,
        channel,
        accountSegments: [ENTERPRISE, OTHER],
        messages,
      } satisfies AccountNotification,
      { attributeCache: createCustomAttributeCache(), maxWaitMs: 1000 },
    );
  return { intercom, hull, firehose, workspaces, handle };
}

const accountMessage = (account: Record<string, unknown>, segments = [ENTERPRISE]) => ({
  account: { id: "h1", ...account },
  account_segments: segments,
});

describe("handleAccountNotification: account:update", () => {
  it("upserts a synchronized account's company, tags it, tells Hull, keeps the tag id", async () => {
    const { intercom, hull, firehose, handle } = setup({
      ...CONNECTED,
      synchronized_account_segments: [ENTERPRISE.id],
    });
    await handle("account:update", [accountMessage({ external_id: "globex-1", name: "Globex" })]);
    expect(intercom.calls).toEqual(["POST /companies globex-1", "tag Enterprise ic-globex-1"]);
    expect(firehose.written).toEqual([
      {
        type: "traits",
        claims: {},
        account: { id: "h1", anonymous_id: "intercom:ic-globex-1" },
        body: { "intercom/id": "ic-globex-1", "intercom/tags": ["Enterprise"] },
      },
    ]);
    expect(hull.settingsWrites).toEqual([
      { account_tag_mapping: { [ENTERPRISE.id]: "tag-Enterprise" } },
    ]);
  });

  it("sends nothing, connected or not, while no account segment is synchronized", async () => {
    const { intercom, firehose, workspaces, handle } = setup({});
    await handle("account:update", [accountMessage({ external_id: "globex-1" })]);
    expect([intercom.calls, firehose.written, workspaces]).toEqual([[], [], []]);
  });

  it("leaves out an account outside the synchronized segments, without a request", async () => {
    const { intercom, firehose, handle } = setup({
      ...CONNECTED,
      synchronized_account_segments: [ENTERPRISE.id],
    });
    await handle("account:update", [accountMessage({ external_id: "initech" }, [OTHER])]);
    expect([intercom.calls, firehose.written]).toEqual([[], []]);
  });

  it("throws ConfigurationError when accounts are to be sent and Intercom is not connected", async () => {
    const { intercom, handle } = setup({ synchronized_account_segments: [ENTERPRISE.id] });
    await expect(
      handle("account:update", [accountMessage({ external_id: "globex-1" })]),
    ).rejects.toBeInstanceOf(ConfigurationError);
    expect(intercom.calls).toEqual([]);
  });

  it("refuses a malformed message with BadRequestError before anything is sent", async () => {
    const { intercom, firehose, handle } = setup({
      ...CONNECTED,
      synchronized_account_segments: [ENTERPRISE.id],
    });
    await expect(
      handle("account:update", [accountMessage({ external_id: "globex-1" }), { account: {} }]),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect([intercom.calls, firehose.written]).toEqual([[], []]);
  });

  it("lets a rate limit through, so Hull resends; a refusal is the account's own problem", async () => {
    const limited = setup({ ...CONNECTED, synchronized_account_segments: [ENTERPRISE.id] });
    limited.intercom.failing = new RetryableError("Intercom's rate limit is exhausted", 2000);
    await expect(
      limited.handle("account:update", [accountMessage({ external_id: "globex-1" })]),
    ).rejects.toBeInstanceOf(RetryableError);

    const refused = setup({ ...CONNECTED, synchronized_account_segments: [ENTERPRISE.id] });
    refused.intercom.failing = new IntercomApiError(400, "parameter_invalid", "bad", "POST", "/c");
    await refused.handle("account:update", [accountMessage({ external_id: "globex-1" })]);
    expect(refused.intercom.calls).toEqual(["POST /companies globex-1"]);
    expect(refused.firehose.written).toEqual([]);
  });
});

describe("handleAccountNotification: account segments", () => {
  const mapped = {
    ...CONNECTED,
    synchronized_account_segments: [ENTERPRISE.id],
    account_tag_mapping: { [ENTERPRISE.id]: "tag-9" },
  };

  it("renames the tag of a renamed segment it made, and nothing for a segment it did not", async () => {
    const { intercom, handle } = setup(mapped);
    await handle("accounts_segment:update", [
      { id: ENTERPRISE.id, name: "Enterprise+" },
      { id: OTHER.id, name: "Other+" },
    ]);
    expect(intercom.calls).toEqual(["rename tag-9 Enterprise+"]);
  });

  it("logs a rename Intercom refuses instead of failing the notification", async () => {
    const { intercom, handle } = setup(mapped);
    intercom.failing = new IntercomApiError(404, "not_found", "Tag Not Found", "PUT", "/tags");
    await expect(
      handle("accounts_segment:update", [{ id: ENTERPRISE.id, name: "Enterprise+" }]),
    ).resolves.toBeUndefined();
    expect(intercom.calls).toEqual(["rename tag-9 Enterprise+"]);
  });

  it("keeps the tag of a deleted segment: no request", async () => {
    const { intercom, handle } = setup(mapped);
    await handle("accounts_segment:delete", [{ id: ENTERPRISE.id, name: "Enterprise" }]);
    expect(intercom.calls).toEqual([]);
  });
});
