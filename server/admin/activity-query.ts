import { ACTIVITY_KINDS, type ActivityKind, type ActivityQuery } from "../durable/activity-store";
import { BadRequestError } from "../errors";

const ID = /^\d{13}-[0-9a-z]{7}-[0-9a-f]{6}$/;

/**
 * `GET /admin/api/activity?kind=&q=&before=&limit=` read into a query. `kind` one of
 * ACTIVITY_KINDS (empty: all), `q` up to 200 characters, `before` an entry id from a previous
 * page's `next_before`, `limit` 1–200 (default 50). Throws BadRequestError (400) naming the
 * parameter otherwise. Pure.
 */
export function readActivityQuery(query: Record<string, unknown>): Partial<ActivityQuery> {
  const one = (name: string) => {
    const value = query[name];
    if (value === undefined || value === "") return undefined;
    if (typeof value !== "string") throw new BadRequestError(`Give "${name}" once.`);
    return value;
  };
  const out: Partial<ActivityQuery> = {};
  const kind = one("kind");
  if (kind !== undefined) {
    if (!(ACTIVITY_KINDS as readonly string[]).includes(kind))
      throw new BadRequestError(`"kind" must be one of ${ACTIVITY_KINDS.join(", ")}.`);
    out.kind = kind as ActivityKind;
  }
  const q = one("q");
  if (q !== undefined) {
    if (q.length > 200) throw new BadRequestError(`"q" is at most 200 characters.`);
    out.q = q;
  }
  const before = one("before");
  if (before !== undefined) {
    if (!ID.test(before)) throw new BadRequestError(`"before" must be a "next_before" value.`);
    out.before = before;
  }
  const limit = one("limit");
  if (limit !== undefined) {
    const value = Number(limit);
    if (!Number.isInteger(value) || value < 1 || value > 200)
      throw new BadRequestError(`"limit" must be a whole number from 1 to 200.`);
    out.limit = value;
  }
  return out;
}
