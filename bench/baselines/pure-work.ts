// The fetch's CPU work per contact with the I/O taken away, for the connector's own code and for
// the raw floor's, in one process on the same Intercom pages (issue 18). Each side takes a page's
// bytes as they came off the socket and makes the firehose request body for it: parse the page,
// map each contact, sign and serialise each entry, join the batch. The connector's side runs the
// functions its fetch runs (contactToHullEntries, the writer's entry rule and subjects, batchBody);
// the floor's runs raw-fetch.ts's own (floor-batch.ts). Both bodies hold the same entries, claims
// and attributes for the same page and time (checked before timing; only their order differs). What the whole-process figures add on top of this
// is I/O, garbage collection, checkpoints, logs and the rest of a server.
import { isDeepStrictEqual } from "node:util";
import { contactToHullEntries } from "../../server/incoming/mapping/contact-entries";
import { checkEntry } from "../../server/hull-entry-rules";
import { batchBody, subjectsOf } from "../../server/clients/hull/firehose";
import { parseJsonBytes } from "../../server/clients/json-bytes";
import type { FirehoseEntry } from "../../server/clients/hull/types";
import { serveParent } from "../child-process";
import type { BaselineContact } from "./contact-attributes";
import { floorBatchBody } from "./floor-batch";

export interface PureWorkRequest {
  intercomUrl: string;
  token: string;
  hull: { id: string; secret: string; organization: string };
  /** Pages of 150 contacts to read once and then work on again and again. */
  pages: number;
  /** Rounds, each timing both sides in turn (the first side alternates). */
  rounds: number;
  /** Passes over all pages per side per round. */
  passes: number;
}

export interface PureWorkResult {
  /** CPU (µs, user + system) per contact of each round, connector's code and the floor's. */
  connectorUs: number[];
  floorUs: number[];
  contactsPerPass: number;
}

type Side = (bytes: Buffer, now: Date) => Buffer;

async function readPages(request: PureWorkRequest): Promise<Buffer[]> {
  const pages: Buffer[] = [];
  let after: string | undefined;
  while (pages.length < request.pages) {
    const response = await fetch(`${request.intercomUrl}/contacts/search`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${request.token}`,
        "content-type": "application/json",
        "Intercom-Version": "2.14",
      },
      body: JSON.stringify({
        query: { field: "role", operator: "=", value: "user" },
        pagination: { per_page: 150, ...(after ? { starting_after: after } : {}) },
      }),
    });
    if (!response.ok) throw new Error(`the search answered ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    pages.push(bytes);
    after = (JSON.parse(bytes.toString()) as { pages?: { next?: { starting_after?: string } } })
      .pages?.next?.starting_after;
    if (!after) break;
  }
  return pages;
}

/**
 * A request body as data, each entry's token replaced by its claims: the two sides write an
 * entry's attributes and claims in different orders, so their bytes differ while their content
 * (and so Hull's work) is the same.
 */
function readBody(body: Buffer): unknown {
  const parsed = JSON.parse(body.toString()) as {
    batch: { headers: { "Hull-Access-Token": string } }[];
  };
  for (const entry of parsed.batch) {
    const payload = entry.headers["Hull-Access-Token"].split(".")[1]!;
    entry.headers["Hull-Access-Token"] = JSON.parse(Buffer.from(payload, "base64url").toString());
  }
  return parsed;
}

/** Times `passes` passes of `side` over every page; CPU µs per contact. */
function time(side: Side, pages: Buffer[], passes: number, contacts: number): number {
  const now = new Date();
  const before = process.cpuUsage();
  for (let pass = 0; pass < passes; pass++) for (const page of pages) side(page, now);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (contacts * passes);
}

/** Reads the pages, checks both sides make the same bodies, then times them in turn. */
export async function pureWork(request: PureWorkRequest): Promise<PureWorkResult> {
  const pages = await readPages(request);
  const credentials = request.hull;
  const connector: Side = (bytes, now) => {
    const page = parseJsonBytes(bytes) as { data: unknown[] };
    // As the fetch writes: each contact once, its token not kept (WriteOptions.distinctPeople).
    const items: { entry: FirehoseEntry; subjects: string[]; keepToken: false }[] = [];
    for (const contact of page.data) {
      const write = contactToHullEntries(contact, { roleHint: "user", incomingAttributes: [] });
      if (!write) continue;
      for (const entry of write.entries) {
        const checked = checkEntry(entry);
        if (checked.ok)
          items.push({
            entry: checked.entry,
            subjects: subjectsOf(checked.entry),
            keepToken: false,
          });
      }
    }
    return batchBody(credentials, items, now);
  };
  const floor: Side = (bytes, now) =>
    floorBatchBody(
      (parseJsonBytes(bytes) as { data: BaselineContact[] }).data,
      credentials.id,
      credentials.secret,
      now,
    );
  const contacts = pages.reduce(
    (sum, page) => sum + (parseJsonBytes(page) as { data: unknown[] }).data.length,
    0,
  );
  const at = new Date();
  for (const page of pages)
    if (!isDeepStrictEqual(readBody(connector(page, at)), readBody(floor(page, at))))
      throw new Error(
        "the connector's and the floor's bodies differ: they no longer do the same work",
      );
  // Warm both up so that neither is timed while V8 still compiles it.
  time(connector, pages, 5, contacts);
  time(floor, pages, 5, contacts);
  const connectorUs: number[] = [];
  const floorUs: number[] = [];
  for (let round = 0; round < request.rounds; round++) {
    if (round % 2 === 0) {
      connectorUs.push(time(connector, pages, request.passes, contacts));
      floorUs.push(time(floor, pages, request.passes, contacts));
    } else {
      floorUs.push(time(floor, pages, request.passes, contacts));
      connectorUs.push(time(connector, pages, request.passes, contacts));
    }
  }
  return { connectorUs, floorUs, contactsPerPass: contacts };
}

if (process.send) {
  serveParent({}, async (message) => ({
    ...(await pureWork(message as unknown as PureWorkRequest)),
  }));
}
