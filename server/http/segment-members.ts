import Router from "@koa/router";
import { z } from "zod";
import { BadRequestError } from "../errors";
import { readSettings } from "../settings";
import { sendCurrentMembers } from "../segment-members/send-current-members";
import { readDashboardJson } from "./body";
import type { AppDeps } from "./deps";
import { hullState, requireHull } from "./hull-auth";

const HULL_ID = /^[0-9a-f]{24}$/i;

const requestSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({
    segment_ids: z
      .array(z.string().regex(HULL_ID, "must be a Hull segment id"))
      .min(1, "give at least one segment id")
      .max(100),
  }),
]);

/**
 * `POST /admin/api/segments/members` `{segment_ids: [...]}` or `{all: true}`: the dashboard's
 * "Send current members". Asks Hull for an extract of each synchronized segment's members; the
 * users then arrive at /batch and are sent as a job (docs/adr/018). Answers
 * `{extracts: MemberExtractOutcome[]}`; a bad request is refused with 400 and nothing is asked.
 * Throws BadRequestError (400, 404 for a segment Hull does not have) to the errors middleware.
 */
export function segmentMembersRoutes(deps: AppDeps): Router {
  const router = new Router();
  router.post(
    "/admin/api/segments/members",
    requireHull(deps.hullAuth, deps.tokens),
    async (ctx) => {
      const parsed = requestSchema.safeParse(await readDashboardJson(ctx, "16kb"));
      if (!parsed.success) {
        throw new BadRequestError(
          'Give {"segment_ids": ["<segment id>", ...]} or {"all": true}; nothing was sent.',
          400,
          parsed.error.issues.map((issue) => ({
            path: issue.path.join("."),
            message: issue.message,
          })),
        );
      }
      const { credentials } = hullState(ctx);
      const hull = deps.hullClient(credentials);
      const synchronized = readSettings(await hull.getConnector()).synchronizedSegments;
      const extracts = await sendCurrentMembers(
        deps,
        credentials,
        hull,
        synchronized,
        "all" in parsed.data ? { all: true } : { segmentIds: parsed.data.segment_ids },
      );
      ctx.set("cache-control", "no-store");
      ctx.body = { extracts };
    },
  );
  return router;
}
