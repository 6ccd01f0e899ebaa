import { IntercomApiError } from "../../clients/intercom/errors";
import { intercomCompanyIdOf, type OutgoingAccount } from "../mapping/account-to-company";
import type { AccountUpdate } from "./account-update";
import { isSynchronized, syncAccount, type AccountRun } from "./sync-accounts";

/** The Hull user attribute holding the Intercom company its contact is attached to. */
export const ATTACHED_COMPANY = "intercom/attached_company_id";

/** A user the outgoing flow has just sent, with its contact and its Hull account. */
export interface SentUser {
  userId: string;
  contactId: string;
  user: Record<string, unknown>;
  account?: OutgoingAccount & { id: string };
  accountSegmentIds: string[];
}

/**
 * Attaches sent contacts to their account's company (`POST /contacts/{id}/companies`), when the
 * account is in a synchronized account segment, and detaches them from the company they were
 * attached to when they left that account (`DELETE /contacts/{id}/companies/{company_id}`,
 * intercom-api.md §1.1). Hull remembers the attachment in `intercom/attached_company_id`, so a
 * steady user costs no request. A company not in Intercom yet is upserted first. Intercom's
 * refusals (4xx) are counted and logged per user; rate limits and outages throw.
 */
export async function attachContactsToCompanies(
  run: AccountRun,
  users: readonly SentUser[],
): Promise<void> {
  const companies = new Map<string, string | undefined>(); // Hull account id → Intercom company id
  for (const sent of users) {
    const attached =
      typeof sent.user[ATTACHED_COMPANY] === "string" && sent.user[ATTACHED_COMPANY] !== ""
        ? (sent.user[ATTACHED_COMPANY] as string)
        : undefined;
    const account = sent.account;
    let target: string | undefined;
    if (account && isSynchronized(sent.accountSegmentIds, run.settings)) {
      if (!companies.has(account.id)) {
        let id = intercomCompanyIdOf(account);
        if (!id) {
          // The account's own notification may not have come yet: make its company now.
          const update: AccountUpdate = {
            account,
            segments: sent.accountSegmentIds.map((segmentId) => ({ id: segmentId, name: "" })),
            left: [],
          };
          // Its segments' names are not known here, so it gets no tags (and learns no tag id)
          // until its own account:update.
          id = (await syncAccount(run, update)).companyId;
        }
        companies.set(account.id, id);
      }
      target = companies.get(account.id);
    }
    // The user's account is the same company (or none was made): nothing to change.
    const sameAccount = account && intercomCompanyIdOf(account) === attached;
    if (target === attached || (target === undefined && sameAccount)) continue;
    try {
      if (attached && !sameAccount) {
        await run.api.detachContact(sent.contactId, attached).catch((error: unknown) => {
          if (error instanceof IntercomApiError && error.upstreamStatus === 404) return undefined;
          throw error;
        });
        run.activity.count(run.credentials.id, "outgoing.contacts.detached");
      }
      if (target) {
        await run.api.attachContact(sent.contactId, target);
        run.activity.count(run.credentials.id, "outgoing.contacts.attached");
      }
      const next = target ?? (sameAccount ? attached : null);
      if (next !== attached) {
        await run.firehose.write(run.credentials, [
          {
            type: "traits",
            claims: { id: sent.userId },
            body: { [ATTACHED_COMPANY]: next ?? null },
          },
        ]);
      }
      run.logger.info(
        { user: sent.userId, contact: sent.contactId, company: target, detached: attached },
        "outgoing.contact.company",
      );
    } catch (error) {
      if (!(error instanceof IntercomApiError)) throw error;
      run.logger.warn(
        { user: sent.userId, contact: sent.contactId, company: target, reason: error.message },
        "outgoing.contact.company.error",
      );
      run.activity.count(run.credentials.id, "outgoing.contacts.attach_failed");
      run.activity.error(run.credentials.id, `User ${sent.userId}: ${error.message}`);
    }
  }
}
