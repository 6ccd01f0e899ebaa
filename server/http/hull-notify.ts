import Router from "@koa/router";
import { z } from "zod";
import { NotifierSignatureError } from "../clients/hull/notifier-signature";
import type { HullConnector } from "../clients/hull/types";
import {
  BadRequestError,
  ConfigurationError,
  isRefusal,
  logLevelFor,
  RetryableError,
  UnauthorizedError,
  UpstreamRefusedError,
  toFlowControl,
  type FlowControl,
} from "../errors";
import { createCustomAttributeCache } from "../outgoing/intercom/custom-attributes";
import { handleNotification } from "../outgoing/handle-notification";
import { readJsonBody } from "./body";
import type { AppDeps } from "./deps";

/** Hull's own limit for notification bodies (hull-platform.md §2.4). */
const BODY_LIMIT = "20mb";
/** Waits longer than this answer `retry`: Hull gives up on an answer after 25 s. */
const MAX_WAIT_MS = 3000;
const UNSUPPORTED: FlowControl = { type: "next", size: 10, in: 5 };
/** hull's defaultErrorFlowControl (lib/utils/smart-notifier-flow-controls.js). */
const REFUSED_RETRY_MS = 1000;

const envelopeSchema = z.looseObject({
  notification_id: z.string().min(1),
  configuration: z.object({
    id: z.string().min(1),
    organization: z.string().min(1),
    secret: z.string().min(1),
  }),
  channel: z.string().min(1),
  connector: z.looseObject({ id: z.string() }).optional(),
  segments: z.array(z.looseObject({ id: z.string(), name: z.string() })).optional(),
  accounts_segments: z
    .array(z.looseObject({ id: z.string(), name: z.string() }))
    .optional()
    .catch(undefined),
  messages: z.array(z.unknown()).default([]),
  is_export: z.boolean().optional(),
});

/**
 * A refused notification as hull's framework answers it (lib/utils/smart-notifier-response.js,
 * smart-notifier-error-middleware.js): `retry` flow control and the error's code and reason.
 */
export function refusal(error: BadRequestError | UpstreamRefusedError) {
  const code =
    error instanceof NotifierSignatureError
      ? error.code
      : error instanceof UpstreamRefusedError
        ? "UPSTREAM_REFUSED"
        : error.status === 413
          ? "ENTITY_TOO_LARGE"
          : error.status === 401
            ? "UNAUTHORIZED"
            : "INVALID_NOTIFICATION";
  return {
    flow_control: { type: "retry", in: REFUSED_RETRY_MS },
    metrics: [],
    errors: [{ code, reason: error.message }],
  };
}

/**
 * A notification not finished for a reason that passes (RetryableError: Redis, Hull or Intercom
 * unavailable, a rate limit), answered as hull's framework answers a TransientError: 503, the
 * `retry` flow control Hull resends by, and the error's code and reason (hull-platform.md §2.4's
 * "503 for a transient error" and §3; hull 0.14's `lib/connector/hull-connector.js`, `startApp`).
 */
export function transientFailure(error: RetryableError) {
  return {
    flow_control: toFlowControl(error),
    metrics: [],
    errors: [{ code: error.code, reason: error.message }],
  };
}

/**
 * `POST /smart-notifier`: user:update, ship:update and segment notifications. The signature (in
 * the headers) is checked before the body is read (401, nothing read or done), then the body
 * (20 MB, 64 levels deep at most: 413/400) must be the notification it signs, then the credentials
 * with Hull; the answer is always Hull's flow control (§2.4): `next` when done, a slower `next`
 * when users Intercom could not take in time were kept for later (ADR 012), `retry` when nothing
 * could be kept: with 503 and `errors: [{code, reason}]` for a transient failure (Redis, Hull or
 * Intercom away: `transientFailure`), with 200 for a configuration problem (not connected), with
 * 500 for a bug; a refusal (4xx) carries `errors: [{code, reason}]` as hull's framework sends it.
 */
export function hullNotifyRoutes(deps: AppDeps): Router {
  const router = new Router();
  const attributeCache = createCustomAttributeCache();

  router.post("/smart-notifier", async (ctx) => {
    let envelope: z.infer<typeof envelopeSchema>;
    let confirmed: HullConnector;
    try {
      // The signature is in the headers: nothing unauthenticated is read, let alone parsed.
      const signedId = await deps.notifierSignatures.verify(ctx.headers);
      const parsed = envelopeSchema.safeParse(await readJsonBody(ctx, BODY_LIMIT));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new BadRequestError(
          `Not a smart-notifier notification: ${issue?.path.join(".") || "body"} ${issue?.message ?? ""}`.trim(),
        );
      }
      envelope = parsed.data;
      if (envelope.notification_id !== signedId)
        throw new UnauthorizedError("The signature is for another notification");
      confirmed = await deps.hullAuth.authenticate(envelope.configuration);
    } catch (error) {
      if (error instanceof RetryableError || error instanceof ConfigurationError) {
        // Hull could not confirm the credentials yet: answered as a failure of the work below is,
        // with the flow control Hull reads to resend it (never a bare {error}).
        deps.logger[logLevelFor(error)](
          { err: error },
          "notification not confirmed; Hull will resend it",
        );
        if (error instanceof RetryableError) {
          ctx.status = 503;
          ctx.body = transientFailure(error);
        } else ctx.body = { flow_control: toFlowControl(error) };
        return;
      }
      if (!isRefusal(error)) throw error;
      ctx.status = error.status;
      ctx.body = refusal(error);
      return;
    }
    const credentials = envelope.configuration;
    // Settings changed in Hull: flows reading the cached connector (webhooks) must see them now.
    if (envelope.channel === "ship:update") deps.hullAuth.forget(credentials);
    const connector =
      envelope.connector?.id === credentials.id ? (envelope.connector as HullConnector) : confirmed;

    let failure: unknown;
    let handled = true;
    let flowControl: FlowControl | undefined;
    try {
      ({ handled, flowControl } = await handleNotification(
        deps,
        {
          credentials,
          connector: { ...connector, private_settings: connector.private_settings ?? {} },
          channel: envelope.channel,
          segments: envelope.segments ?? [],
          accountSegments: envelope.accounts_segments ?? [],
          messages: envelope.messages,
          isExport: envelope.is_export === true,
        },
        { attributeCache, maxWaitMs: MAX_WAIT_MS },
      ));
    } catch (error) {
      if (isRefusal(error)) {
        ctx.status = error.status;
        ctx.body = refusal(error);
        return;
      }
      failure = error;
      const expected = error instanceof RetryableError || error instanceof ConfigurationError;
      // Redis away is told once per outage by the keys connection (docs/adr/029): debug here.
      deps.logger[expected ? logLevelFor(error) : "error"](
        { err: error, connector: credentials.id, channel: envelope.channel },
        "notification not finished; Hull will resend it",
      );
      if (error instanceof RetryableError) {
        ctx.status = 503;
        ctx.body = transientFailure(error);
        return;
      }
      if (!expected) ctx.status = 500;
    }
    ctx.body = {
      flow_control: handled ? (flowControl ?? toFlowControl(failure)) : UNSUPPORTED,
    };
  });
  return router;
}
