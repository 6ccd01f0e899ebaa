import { describe, expect, it } from "vitest";
import { IntercomApiError } from "../../../../server/clients/intercom/errors";
import {
  conflictingContact,
  conflictingContactId,
} from "../../../../server/outgoing/intercom/find-contact";

const conflict = (message: string, status = 409) =>
  new IntercomApiError(status, "conflict", message, "POST", "/contacts");

// Issue 15 class 1: an archived duplicate is not a live one (intercom-api.md §2.4).
describe("conflictingContact(error)", () => {
  it.each([
    [
      conflict("A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83"),
      { id: "6762f0dd1bb69f9f2193bb83", archived: false },
      "6762f0dd1bb69f9f2193bb83",
    ],
    [
      conflict(
        "An archived contact matching those details already exists with id=6762f0dd1bb69f9f2193bb84",
      ),
      { id: "6762f0dd1bb69f9f2193bb84", archived: true },
      undefined,
    ],
    [conflict("A contact matching those details already exists"), undefined, undefined],
    [conflict("An archived contact … with id=abc", 400), undefined, undefined],
    [new Error("id=abc"), undefined, undefined],
  ])("%s", (error, expected, liveId) => {
    expect(conflictingContact(error)).toEqual(expected);
    expect(conflictingContactId(error)).toBe(liveId);
  });
});
