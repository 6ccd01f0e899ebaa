import { describe, expect, it } from "vitest";
import { calendarDayOf } from "../../../sandbox/intercom/calendar-day";
import { instantsAround, midnightTransitions } from "../../helpers/midnight-transitions";

/**
 * The stand-in's date search cuts time into calendar days of the workspace (official description,
 * POST /contacts/search, "Searching for Timestamp Fields"): every instant is in exactly one day,
 * also where a DST change skips or repeats local midnight.
 */
describe("calendarDayOf", () => {
  it.each(midnightTransitions)(
    "cuts %s into days that follow each other (change at %i)",
    (zone, change) => {
      for (const t of instantsAround(change)) {
        const day = calendarDayOf(t, zone);
        expect(day.start <= t && t < day.next, `${t} in [${day.start}, ${day.next})`).toBe(true);
        expect(calendarDayOf(day.start - 1, zone).next, `day before ${t}`).toBe(day.start);
      }
    },
  );
});
