import Router from "@koa/router";
import { readJsonBody } from "../../shared/body.js";
import { HullApiError, isRecord } from "../errors.js";
import { readObjectBody } from "../http-errors.js";
import { batchUrl, deliverExtract } from "../extract-delivery.js";
import type { HullPlatform } from "../hull-platform.js";
import { ACCOUNT_CLAIM_KEYS, type AccountClaims } from "../store/account-record.js";
import { toAccountReport, type AccountRecord } from "../store/account-record.js";
import { parseAttributeWrite, type AttributeWrite } from "../store/attribute-operation.js";
import { parseSeeds } from "./parse-seed.js";

interface AccountSeed {
  claims: AccountClaims;
  writes: Record<string, AttributeWrite>;
  /** Users (seeded like POST /_sandbox/users) linked to the account. */
  users: ReturnType<typeof parseSeeds>;
}

/** Reads `POST /_sandbox/accounts`: `[{claims, attributes?, users?}]`, or the first error. */
function parseAccountSeeds(body: unknown): AccountSeed[] | string {
  if (!Array.isArray(body)) return "Body must be an array of {claims, attributes?, users?}";
  const seeds: AccountSeed[] = [];
  for (const [index, raw] of body.entries()) {
    const fail = (reason: string) => `account ${index}: ${reason}`;
    if (!isRecord(raw) || !isRecord(raw.claims)) return fail("claims must be an object");
    const claims: AccountClaims = {};
    for (const key of ACCOUNT_CLAIM_KEYS) {
      const value = raw.claims[key];
      if (value === undefined) continue;
      if (typeof value !== "string" || value === "")
        return fail(`claims.${key} must be a non-empty string`);
      claims[key] = value;
    }
    if (!claims.external_id && !claims.domain && !claims.anonymous_id)
      return fail("claims need an external_id, domain or anonymous_id");
    const attributes = raw.attributes ?? {};
    if (!isRecord(attributes)) return fail("attributes must be an object");
    const writes: Record<string, AttributeWrite> = Object.create(null); // names are input
    for (const [name, value] of Object.entries(attributes)) {
      const write = parseAttributeWrite(value);
      if (typeof write === "string") return fail(`attribute "${name}": ${write}`);
      writes[name] = write;
    }
    const users = parseSeeds(raw.users ?? []);
    if (typeof users === "string") return fail(users);
    seeds.push({ claims, writes, users });
  }
  return seeds;
}

/**
 * Where Hull posts an accounts batch: the manifest's `batches` entry with an `account:update`
 * channel, else the first entry, else `/batch` (hull-platform.md §2.6: one `/batch` URL, the
 * `object_type` telling users from accounts).
 */
function accountBatchPath(platform: HullPlatform): string {
  const batches = Array.isArray(platform.manifest.batches) ? platform.manifest.batches : [];
  const entries = batches.filter(isRecord);
  const forAccounts = entries.find(
    (entry) =>
      Array.isArray(entry.channels) &&
      entry.channels.some((channel) => isRecord(channel) && channel.channel === "account:update"),
  );
  const chosen = forAccounts ?? entries[0];
  return typeof chosen?.url === "string" ? chosen.url : "/batch";
}

/** An account as the sandbox shows it: its report, its users' ids and emails. */
function accountView(platform: HullPlatform, account: AccountRecord) {
  return {
    ...toAccountReport(account),
    users: platform.accounts.userIdsOf(account.id).map((id) => {
      const user = platform.users.get(id);
      return { id, email: user?.attributes.email ?? null };
    }),
  };
}

/**
 * `/_sandbox` controls for accounts: seed accounts (with linked users), list them, and create,
 * fill, rename and delete account segments, sending `accounts_segment:update` / `:delete` as Hull.
 */
export function accountControlRoutes(platform: HullPlatform, extractTimeoutMs: number): Router {
  const router = new Router({ prefix: "/_sandbox" });

  router.get("/accounts", (ctx) => {
    ctx.body = platform.accounts.list().map((account) => accountView(platform, account));
  });

  router.post("/accounts", async (ctx) => {
    const seeds = parseAccountSeeds(await readJsonBody(ctx));
    if (typeof seeds === "string") throw new HullApiError(400, seeds);
    const accounts = seeds.map((seed) => {
      const account = platform.accounts.resolve(seed.claims)!;
      platform.accounts.applyTraits(account, seed.writes);
      for (const userSeed of seed.users as Exclude<AccountSeed["users"], string>) {
        const user = platform.users.resolve(userSeed.claims)!;
        platform.users.applyTraits(user, userSeed.writes);
        if (platform.accounts.link(user.id, account)) platform.userLinked(user.id);
      }
      return account;
    });
    ctx.status = 201;
    ctx.body = accounts.map((account) => accountView(platform, account));
  });

  router.get("/accounts_segments", (ctx) => {
    ctx.body = platform.accountSegmentObjects();
  });

  router.post("/accounts_segments", async (ctx) => {
    const body = await readObjectBody(ctx);
    if (typeof body.name !== "string" || body.name.trim() === "")
      throw new HullApiError(400, "name is required");
    const query = body.query ?? {};
    if (!isRecord(query))
      throw new HullApiError(400, "query must be an object of attribute: value");
    const segment = platform.accountSegments.create(body.name, query);
    platform.accounts.refreshAll();
    platform.sendAccountSegmentChange("accounts_segment:update", segment);
    ctx.status = 201;
    ctx.body = segment;
  });

  // Puts accounts in a segment whatever its query says: `{account_ids: [...]}`.
  router.post("/accounts_segments/:id/accounts", async (ctx) => {
    const segment = platform.accountSegments.get(ctx.params.id);
    if (!segment) throw new HullApiError(404, "Account segment not found");
    const body = await readObjectBody(ctx);
    const ids = body.account_ids;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string"))
      throw new HullApiError(400, "account_ids must be an array of account ids");
    const unknown = (ids as string[]).filter((id) => !platform.accounts.get(id));
    if (unknown.length > 0) throw new HullApiError(404, `No account ${unknown.join(", ")}`);
    platform.accounts.addMembers(segment, ids as string[]);
    ctx.body = platform.accountSegmentObjects().find((object) => object.id === segment.id);
  });

  router.put("/accounts_segments/:id", async (ctx) => {
    const body = await readObjectBody(ctx);
    const current = platform.accountSegments.get(ctx.params.id);
    if (!current) throw new HullApiError(404, "Account segment not found");
    if (body.name !== undefined && (typeof body.name !== "string" || body.name.trim() === ""))
      throw new HullApiError(400, "name must be a non-empty string");
    if (body.query !== undefined && !isRecord(body.query))
      throw new HullApiError(400, "query must be an object");
    const segment = platform.accountSegments.rename(
      current.id,
      (body.name as string | undefined) ?? current.name,
    )!;
    if (isRecord(body.query)) {
      segment.query = body.query;
      platform.accounts.refreshAll();
    }
    platform.sendAccountSegmentChange("accounts_segment:update", segment);
    ctx.body = segment;
  });

  router.delete("/accounts_segments/:id", (ctx) => {
    const segment = platform.accountSegments.get(ctx.params.id);
    if (!segment) throw new HullApiError(404, "Account segment not found");
    platform.accountSegments.delete(segment.id);
    platform.accounts.forgetSegment(segment.id);
    platform.sendAccountSegmentChange("accounts_segment:delete", segment);
    ctx.body = segment;
  });

  // A manual "send to connector" of accounts: `{segment_id}` (an account segment), `{account_ids}`
  // or `{all: true}`, as `account:update` notifications or, with `extract: true`, as a `/batch`
  // extract of account reports (`object_type: "account_report"`, hull-platform.md §2.6).
  router.post("/notify_accounts", async (ctx) => {
    const body = await readObjectBody(ctx);
    let accounts: AccountRecord[];
    let segmentId: string | undefined;
    if (typeof body.segment_id === "string") {
      if (!platform.accountSegments.get(body.segment_id))
        throw new HullApiError(404, "Account segment not found");
      segmentId = body.segment_id;
      accounts = platform.accounts
        .list()
        .filter((account) => account.segment_ids.includes(segmentId!));
    } else if (body.all === true) accounts = platform.accounts.list();
    else if (Array.isArray(body.account_ids))
      accounts = [
        ...new Set(
          body.account_ids.map((id) => {
            const account = typeof id === "string" ? platform.accounts.get(id) : undefined;
            if (!account) throw new HullApiError(404, `No account ${String(id)}`);
            return account;
          }),
        ),
      ];
    else throw new HullApiError(400, "Give {segment_id}, {account_ids: [...]} or {all: true}");
    if (body.extract === true) {
      const { connectorUrl } = platform.connector;
      if (!connectorUrl) throw new HullApiError(409, "No connector URL is set");
      const fileUrl = platform.createAccountExtract(accounts);
      const target = batchUrl(
        connectorUrl,
        platform.connector,
        accountBatchPath(platform),
        segmentId,
      );
      const ids = accounts.map((account) => account.id);
      void deliverExtract(target, fileUrl, ids, platform.sender.log, extractTimeoutMs, "account");
      ctx.body = { queued: accounts.length, via: "batch", url: fileUrl };
      return;
    }
    platform.sendAccountUpdates(accounts);
    ctx.body = { queued: accounts.length, via: "smart-notifier" };
  });

  return router;
}
