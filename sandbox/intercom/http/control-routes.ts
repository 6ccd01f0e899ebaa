import type { Router } from "@koa/router";
import { parseContactInput } from "../contact-input.js";
import { isTimezone } from "../calendar-day.js";
import { unixSeconds } from "../clock.js";
import { parameterInvalid } from "../errors.js";
import type { SandboxState } from "../sandbox-state.js";

const MAX_GENERATED = 10_000_000;

function objectBody(body: unknown, allowed: string[]): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw parameterInvalid("body must be a JSON object");
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw parameterInvalid(
      `unknown field(s): ${unknown.join(", ")}; allowed: ${allowed.join(", ")}`,
    );
  return body as Record<string, unknown>;
}

/** /_sandbox/*: control and inspection for tests, benchmarks and people; no auth. */
export function addControlRoutes(router: Router, state: SandboxState): void {
  const ws = () => state.workspace;

  router.post("/_sandbox/reset", (ctx) => {
    state.reset();
    ctx.body = { ok: true };
  });

  router.post("/_sandbox/token", (ctx) => {
    ctx.body = { access_token: state.grants.issueToken() };
  });

  router.post("/_sandbox/contacts", (ctx) => {
    const body = objectBody(ctx.state.body, ["contacts", "count", "role"]);
    if (body.contacts !== undefined) {
      if (!Array.isArray(body.contacts) || body.count !== undefined) {
        throw parameterInvalid(
          "contacts must be an array of create-contact bodies (and not combined with count)",
        );
      }
      // Validate all first so a bad entry writes nothing.
      body.contacts.forEach((contact, index) => {
        try {
          parseContactInput(contact, ws().attributes);
        } catch (error) {
          throw parameterInvalid(`contacts[${index}]: ${(error as Error).message}`);
        }
      });
      const ids = (body.contacts as unknown[]).map((contact) => ws().createContact(contact).id);
      ctx.body = { ids, count: ids.length };
      return;
    }
    const { count, role = "user" } = body;
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_GENERATED) {
      throw parameterInvalid(
        `count must be an integer from 1 to ${MAX_GENERATED} (or pass contacts: [...])`,
      );
    }
    if (role !== "user" && role !== "lead") throw parameterInvalid("role must be 'user' or 'lead'");
    const block = ws().contacts.addGenerated(count as number, role, unixSeconds(state.now()));
    ctx.body = {
      count: block.count,
      first_id: ws().contacts.get(block.start)!.id,
      last_id: ws().contacts.get(block.start + block.count - 1)!.id,
    };
  });

  router.get("/_sandbox/contacts", (ctx) => {
    const limit = ctx.query.limit === undefined ? Infinity : Number(ctx.query.limit);
    if (!(limit >= 0)) throw parameterInvalid("limit must be a non-negative number");
    const out: unknown[] = [];
    for (const record of ws().contacts.materialised()) {
      if (out.length >= limit) break;
      out.push({
        ...ws().restContact(record),
        archived: record.archived,
        tags: record.tags.map((tag) => ws().tags.get(tag.id)?.name ?? tag.id),
        events: ws().events.of(record.seq),
      });
    }
    ctx.body = { contacts: out, total_count: ws().contacts.count() };
  });

  router.get("/_sandbox/requests", (ctx) => {
    ctx.body = { requests: state.requests };
  });

  router.delete("/_sandbox/requests", (ctx) => {
    state.requests.length = 0;
    ctx.body = { ok: true };
  });

  router.post("/_sandbox/faults", (ctx) => {
    ctx.body = { fault: state.faults.configure(ctx.state.body ?? {}) ?? null };
  });

  router.post("/_sandbox/rate-limit", (ctx) => {
    const { per_minute: perMinute } = objectBody(ctx.state.body, ["per_minute"]);
    if (!Number.isInteger(perMinute) || (perMinute as number) < 1)
      throw parameterInvalid("per_minute must be a positive integer");
    state.limiter.setPerMinute(perMinute as number);
    ctx.body = { per_minute: perMinute, per_window: Math.ceil((perMinute as number) / 6) };
  });

  // Two ways to move time, for tests:
  // - {"now": <Unix seconds>} puts the workspace's time (contacts' created_at/updated_at, search lag)
  //   there, from which it keeps ticking; {"now": null} goes back to the clock. Rate windows and
  //   OAuth expiry keep the clock.
  // - {"advance_ms": <ms>} moves the whole stand-in forward (rate windows, fault durations,
  //   timestamps), so a test lets a long outage pass without waiting for it. It never goes back.
  router.post("/_sandbox/clock", (ctx) => {
    const body = objectBody(ctx.state.body, ["now", "advance_ms"]);
    if ("now" in body === "advance_ms" in body)
      throw parameterInvalid("give exactly one of now (Unix seconds or null) and advance_ms");
    if ("now" in body) {
      const now = body.now;
      if (now !== null && (typeof now !== "number" || !Number.isInteger(now) || now < 0))
        throw parameterInvalid("now must be Unix seconds (an integer) or null");
      state.clockOffsetMs = now === null ? 0 : now * 1000 - state.clock();
    } else {
      const advance = body.advance_ms;
      if (typeof advance !== "number" || !Number.isInteger(advance) || advance < 0)
        throw parameterInvalid("advance_ms must be a non-negative integer");
      state.advancedMs += advance;
    }
    ctx.body = {
      now: unixSeconds(state.now()),
      clock: new Date(state.clock()).toISOString(),
      advanced_ms: state.advancedMs,
    };
  });

  router.post("/_sandbox/settings", async (ctx) => {
    const body = objectBody(ctx.state.body, ["webhook_url", "search_lag_ms", "timezone"]);
    const { webhook_url: url, search_lag_ms: lag, timezone } = body;
    if (timezone !== undefined && !isTimezone(timezone))
      throw parameterInvalid('timezone must be an IANA timezone name such as "Asia/Kolkata"');
    if (
      url !== undefined &&
      url !== null &&
      (typeof url !== "string" || !/^https?:\/\//.test(url))
    ) {
      throw parameterInvalid("webhook_url must be an http(s) URL or null");
    }
    if (lag !== undefined && (!Number.isInteger(lag) || (lag as number) < 0)) {
      throw parameterInvalid("search_lag_ms must be a non-negative integer");
    }
    if (lag !== undefined) state.searchLagMs = lag as number;
    if (timezone !== undefined) state.timezone = timezone;
    if (url !== undefined) await state.sender.setUrl((url as string | null) ?? undefined);
    ctx.body = {
      webhook_url: state.sender.currentUrl() ?? null,
      search_lag_ms: state.searchLagMs,
      timezone: state.timezone,
      head_status: state.sender.headStatus ?? null,
    };
  });
}
