import { decodeCursor, encodeCursor, type CursorState } from "../cursor.js";
import { parameterInvalid } from "../errors.js";

export const DEFAULT_PER_PAGE = 50; // intercom-api.md §1.1 "List pagination"
export const MAX_PER_PAGE = 150;

export function parsePerPage(value: unknown): number {
  if (value === undefined || value === "") return DEFAULT_PER_PAGE;
  const perPage = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw parameterInvalid(`per_page must be an integer from 1 to ${MAX_PER_PAGE}`);
  }
  return perPage;
}

export function parseStartingAfter(value: unknown, kind: string): CursorState {
  if (value === undefined || value === null || value === "") return { after: -1, page: 1 };
  const state = typeof value === "string" ? decodeCursor(value, kind) : undefined;
  if (!state) throw parameterInvalid("starting_after is not a valid cursor");
  return state;
}

/**
 * The `pages` object of a list; `next` only when more follow. An empty result has
 * `total_pages: 0` (official description, POST /contacts/search, example "successful").
 */
export function pagesObject(
  page: number,
  perPage: number,
  total: number,
  nextAfter: number | undefined,
  kind: string,
  nextKey?: CursorState["key"],
) {
  return {
    type: "pages",
    page,
    per_page: perPage,
    total_pages: Math.ceil(total / perPage),
    ...(nextAfter !== undefined
      ? {
          next: {
            page: page + 1,
            starting_after: encodeCursor({ after: nextAfter, page: page + 1, key: nextKey }, kind),
          },
        }
      : {}),
  };
}
