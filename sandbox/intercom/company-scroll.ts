import { randomUUID } from "node:crypto";
import type { Clock } from "./clock.js";
import { IntercomError } from "./errors.js";

/** "If the scroll isn't used for 1 minute, it expires" (description, GET /companies/scroll). */
export const SCROLL_IDLE_MS = 60_000;
/** Companies per scroll page: the description does not say; 50 like the contacts list default. */
export const SCROLL_PAGE_SIZE = 50;

interface OpenScroll {
  param: string;
  /** Company seqs still to hand out, fixed when the scroll opened. */
  remaining: number[];
  lastUsedMs: number;
  /** A page of it failed (500): its param no longer works, though it stays open until it lapses. */
  broken?: boolean;
}

/**
 * The workspace's one company scroll (description, GET /companies/scroll): "Each app can only have
 * 1 scroll open at a time" — opening another while one is in use is 400 `scroll_exists` "scroll
 * already exists for this app" (intercom-ruby#292's message, Airbyte source-intercom's code name,
 * peers.md §4); a param unused for 1 minute, finished or unknown is 404 `not_found` (Airbyte#9339:
 * an expired scroll param answered 404). The last page is empty and carries no scroll_param, so the
 * SDK's pager (intercom-client 7.0.3: "next page while scroll_param is set") stops there.
 */
export class CompanyScroll {
  private open: OpenScroll | undefined;

  constructor(private readonly clock: Clock) {}

  private live(): OpenScroll | undefined {
    if (this.open && this.clock() - this.open.lastUsedMs >= SCROLL_IDLE_MS) this.open = undefined;
    return this.open;
  }

  /**
   * Next page of seqs. `param` undefined opens a scroll over `seqs` (throws 400 if one is open).
   * Returns the seqs and the param to send next, or no param at the end.
   * @throws IntercomError 400 scroll_exists, 404 not_found
   */
  next(param: string | undefined, seqs: () => number[]): { seqs: number[]; param?: string } {
    const current = this.live();
    if (param === undefined) {
      if (current)
        throw new IntercomError(400, "scroll_exists", "scroll already exists for this app");
      this.open = { param: randomUUID(), remaining: seqs(), lastUsedMs: this.clock() };
    } else if (!current || current.param !== param || current.broken) {
      throw new IntercomError(404, "not_found", "scroll parameter not found or expired");
    }
    const scroll = this.open!;
    const page = scroll.remaining.splice(0, SCROLL_PAGE_SIZE);
    if (page.length === 0) {
      this.open = undefined;
      return { seqs: [] };
    }
    scroll.lastUsedMs = this.clock();
    return { seqs: page, param: scroll.param };
  }

  /**
   * A page of the open scroll failed with the description's 500 ("you will need to restart your
   * scroll query: It is not possible to continue from a specific point", GET /companies/scroll):
   * its param answers 404 from now on, and the scroll stays open (a new one meets
   * `scroll_exists`) until it lapses a minute after its last good page. Nothing when none is open.
   */
  interrupt(): void {
    if (this.live()) this.open!.broken = true;
  }

  clear(): void {
    this.open = undefined;
  }
}
