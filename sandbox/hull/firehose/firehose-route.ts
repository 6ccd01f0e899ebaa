import Router from "@koa/router";
import { HullApiError } from "../errors.js";
import { readObjectBody } from "../http-errors.js";
import type { HullPlatform } from "../hull-platform.js";
import { applyFirehoseCommand } from "./apply-firehose-command.js";
import { parseFirehoseEntry, type ParsedEntry } from "./parse-firehose-entry.js";
import { pushCapped } from "../capped-log.js";

/** A valid entry for a user the `refuse_claims` control names becomes an invalid one. */
function refuseByControl(result: ParsedEntry, refused?: Record<string, string>): ParsedEntry {
  if (!result.ok || !refused) return result;
  const claims = result.command.claims as Record<string, unknown>;
  const match = Object.entries(refused).find(([claim, value]) => claims[claim] === value);
  return match
    ? {
        ok: false,
        reason: `refused by the sandbox control refuse_claims.${match[0]}`,
        token: result.token,
      }
    : result;
}

/**
 * `POST /firehose {batch: [...]}`: every entry is verified first; one bad entry refuses the whole
 * batch with a 400 naming it, and nothing of that batch is applied.
 */
export function firehoseRoutes(platform: HullPlatform): Router {
  const router = new Router();
  router.post("/firehose", async (ctx) => {
    const fault = platform.takeFirehoseFault();
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status) {
      ctx.status = fault.status;
      ctx.body = { message: `Injected firehose failure ${fault.status}` };
      return;
    }
    const body = await readObjectBody(ctx);
    if (!Array.isArray(body.batch)) throw new HullApiError(400, "Body must be {batch: [entries]}");
    const batch = body.batch as unknown[];
    const parsed = batch.map((entry) =>
      refuseByControl(parseFirehoseEntry(entry, platform.connector), platform.refusedClaims),
    );
    const errors = parsed.flatMap((result, index) =>
      result.ok ? [] : [{ index, reason: result.reason }],
    );
    const receivedAt = new Date().toISOString();
    const log = (entry: unknown, result: ParsedEntry, accepted: boolean, note?: string) => {
      const raw = (entry ?? {}) as Record<string, unknown>;
      pushCapped(platform.firehoseLog, {
        received_at: receivedAt,
        type: raw.type,
        body: raw.body,
        claims: result.token ?? null,
        accepted,
        ...(result.ok ? {} : { error: result.reason }),
        ...(note ? { note } : {}),
      });
    };
    if (errors.length > 0) {
      batch.forEach((entry, index) => log(entry, parsed[index]!, false));
      ctx.status = 400;
      ctx.body = {
        message: `Batch refused, nothing applied: entry ${errors[0]!.index}: ${errors[0]!.reason}`,
        errors,
      };
      return;
    }
    for (const [index, result] of parsed.entries()) {
      if (!result.ok) continue;
      log(
        batch[index],
        result,
        true,
        applyFirehoseCommand(platform.users, result.command, platform.accounts, (userId) =>
          platform.userLinked(userId),
        ),
      );
    }
    ctx.body = { ok: true, accepted: batch.length };
  });
  return router;
}
