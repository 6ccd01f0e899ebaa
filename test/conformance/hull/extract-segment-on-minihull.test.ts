// The segment Hull names on an extract's callback (`/batch?…&segment_id=S`) is one every line of
// the extract is in: hull@0.14.2 adds it to each line's segments (lib/utils/extract-handler-factory.js),
// and minihull@2.1.2's extract lines carry no `segment_ids` at all (src/mini-hull.js
// `_getBatchBody` writes them as `segments_id`). The users must reach Intercom with S's tag.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughOAuth } from "../../../sandbox/scenarios/connect-through-oauth";
import { waitUntil } from "../../helpers/wait";
import { startMinihullStack, type MinihullStack } from "./minihull-stack";

let stack: MinihullStack;
const customers = { id: randomBytes(12).toString("hex"), name: "Customers" };
const other = { id: randomBytes(12).toString("hex"), name: "Newsletter" };

beforeAll(async () => {
  stack = await startMinihullStack();
  stack.minihull.stubUsersSegments([customers, other]);
  const connected = await connectThroughOAuth(
    `${stack.connector.deps.publicUrl}/auth?${stack.credentialsQuery}`,
  );
  expect(connected.status).toBe(200);
  // minihull serves its users as the extract file; `_segment_ids` becomes `segments_id`.
  const users = stack.minihull.db.get("users");
  users.insert({ id: randomBytes(12).toString("hex"), email: "ada@example.com" }).write();
  users
    .insert({
      id: randomBytes(12).toString("hex"),
      email: "grace@example.com",
      _segment_ids: [other.id],
    })
    .write();
}, 60_000);
afterAll(() => stack?.close());

interface SandboxContact {
  email: string;
  tags: string[];
}

const contacts = async () =>
  (
    (await (await fetch(`${stack.intercom.url}/_sandbox/contacts`)).json()) as {
      contacts: SandboxContact[];
    }
  ).contacts;

describe("an extract callback that names a segment, on minihull", () => {
  it("sends every line of the extract as a member of that segment, with its tag", async () => {
    const callback = new URL(`${stack.connector.deps.publicUrl}/batch`);
    callback.searchParams.set("source", "connector");
    callback.searchParams.set("segment_id", customers.id);
    const answer = await stack.minihull.batchConnector(stack.credentials.id, callback.toString());
    expect(answer.status).toBe(200);
    // Tags follow the contacts (one bulk request per segment): wait until the assertion holds,
    // and on a hang fail with its diff.
    await waitUntil(
      async () => {
        const tags = Object.fromEntries(
          (await contacts()).map((contact) => [contact.email, contact.tags]),
        );
        expect(tags).toEqual({
          "ada@example.com": ["Customers"],
          "grace@example.com": ["Customers"],
        });
        return true;
      },
      { what: "both users in Intercom with the Customers tag" },
    );
  });
});
