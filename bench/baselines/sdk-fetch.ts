// Baseline for the fetch: what a competent user would write with the vendors' own SDKs. Intercom's
// official `intercom-client` pages through the contacts (search, 150 a page, like the connector);
// Hull's official `hull-client` writes each one to the firehose with its own batcher, and the next
// page is read once Hull took this one (memory stays flat, as it must for a million contacts). No
// checkpoints, no retries beyond the SDKs' own: it is a plain script, not a handicapped one.
import { IntercomClient } from "intercom-client";
import { processUsage, serveParent, type ProcessUsage } from "../child-process";
import { attributesOf } from "./contact-attributes";
import { HullClientClass, quietHullLogs, type HullClientConfig } from "./vendor-sdks";

export interface SdkFetchRequest {
  intercomUrl: string;
  /** An Intercom access token for the workspace. */
  token: string;
  hull: HullClientConfig;
  /** Stop after this page once this many seconds have passed (the connector's runs stop alike). */
  capS: number;
}

export interface SdkFetchResult {
  contacts: number;
  seconds: number;
  before: ProcessUsage;
  after: ProcessUsage;
}

/** Reads every user contact and writes it to Hull; resolves once Hull took the last one. */
export async function sdkFetch(request: SdkFetchRequest): Promise<SdkFetchResult> {
  const intercom = new IntercomClient({ token: request.token, baseUrl: request.intercomUrl });
  const hull = new HullClientClass(request.hull);
  const before = processUsage();
  const started = performance.now();
  let contacts = 0;
  const page = await intercom.contacts.search({
    query: { field: "role", operator: "=", value: "user" },
    pagination: { per_page: 150 },
  });
  for (;;) {
    await Promise.all(
      page.data.map((contact) => {
        const claims: Record<string, string> = { anonymous_id: `intercom:${contact.id}` };
        if (contact.email) claims.email = contact.email;
        if (contact.external_id) claims.external_id = contact.external_id;
        return hull.asUser(claims).traits(attributesOf(contact));
      }),
    );
    contacts += page.data.length;
    if (!page.hasNextPage() || performance.now() - started > request.capS * 1000) break;
    await page.getNextPage();
  }
  return {
    contacts,
    seconds: (performance.now() - started) / 1000,
    before,
    after: processUsage(),
  };
}

if (process.send) {
  quietHullLogs();
  serveParent({}, async (message) =>
    message.type === "fetch"
      ? { ...(await sdkFetch(message as unknown as SdkFetchRequest)) }
      : processUsage(),
  );
}
