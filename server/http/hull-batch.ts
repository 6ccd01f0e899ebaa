import Router from "@koa/router";
import { z } from "zod";
import { isAllowedHost } from "../clients/hull/hosts";
import { BadRequestError } from "../errors";
import { readJsonBody } from "./body";
import type { AppDeps } from "./deps";
import { hullState, requireHull } from "./hull-auth";

const HULL_ID = /^[0-9a-f]{24}$/i;

const extractSchema = z.looseObject({
  url: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//i.test(url), "must be an http(s) URL"),
  format: z.literal("json", { message: "only json extracts are supported" }).default("json"),
  object_type: z
    .enum(["user_report", "account_report"], {
      message: "must be user_report or account_report",
    })
    .default("user_report"),
});

/**
 * `POST /batch`: Hull's manual "send to Intercom" (hull-platform.md §2.6), of users
 * (`object_type: "user_report"`, the default) or of accounts (`"account_report"`, the manifest's
 * `batch-accounts` tag). The answer comes once the job is stored; the extract's users (or
 * accounts, as companies, docs/adr/020) are then sent to Intercom in the background. Errors are
 * thrown to `http/errors-middleware.ts` (docs/error-handling.md), never answered here.
 */
export function hullBatchRoutes(deps: AppDeps): Router {
  const router = new Router();

  router.post("/batch", requireHull(deps.hullAuth, deps.tokens), async (ctx) => {
    const parsed = extractSchema.safeParse(await readJsonBody(ctx, "64kb"));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadRequestError(
        `Not an extract notification: ${issue?.path.join(".") || "body"} ${issue?.message ?? ""}`.trim(),
      );
    }
    const extractHost = new URL(parsed.data.url).host;
    if (!isAllowedHost(extractHost, deps.extractHosts)) {
      throw new BadRequestError(
        `Extracts are only downloaded from Hull's hosts; ${extractHost} is not one of them`,
      );
    }
    const { credentials } = hullState(ctx);
    // A callback that names a segment is an extract of that segment's members: every line is a
    // member of it, whatever its own `segment_ids` say (hull@0.14.2,
    // lib/utils/extract-handler-factory.js, reads `req.query.segment_id` whatever the source; the
    // job's handler applies it, `extractLineSegmentIds`). The connector's own requests
    // (segment-members/) name theirs, so the activity log also tells them from a plain "Send to
    // Intercom".
    const segmentId = ctx.query.segment_id;
    const ofSegment =
      typeof segmentId === "string" && HULL_ID.test(segmentId) ? { segment_id: segmentId } : {};
    // Durable before we answer: the job survives a restart and resumes at its last chunk.
    const accounts = parsed.data.object_type === "account_report";
    const { job } = await deps.jobs.start(credentials, {
      kind: accounts ? "send-account-extract" : "send-extract",
      mode: "full",
      params: { url: parsed.data.url, ...ofSegment },
    });
    deps.logger.info(
      { connector: credentials.id, job: job.id, object_type: parsed.data.object_type },
      "outgoing.batch.accepted",
    );
    ctx.body = {
      ok: true,
      job: job.id,
      message: `Sending the extract's ${accounts ? "accounts" : "users"} to Intercom`,
    };
  });
  return router;
}
