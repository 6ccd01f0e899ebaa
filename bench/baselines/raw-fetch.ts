// The floor for the fetch: the SDK script's work (sdk-fetch.ts: the same search, the same 16
// attributes and claims, one firehose entry per contact, the next page once Hull took this one)
// done with nothing but node:http and node:crypto. No SDK, no checkpoint, no retry, no entry
// rules, no dead letters, no settings: the least CPU that work can take in Node, so that
// "connector ÷ floor" says how close the connector comes to what the machine allows (issue 18).
// Not something to ship: it handles no failure at all. Like the connector, it never makes a string
// over V8's 128 kB large-object threshold (server/clients/json-bytes.ts): on this machine one costs
// more than parsing the page, and a floor the connector could beat would not be a floor.
import { Agent, request } from "node:http";
import { parseJsonBytes } from "../../server/clients/json-bytes";
import { processUsage, serveParent } from "../child-process";
import type { BaselineContact } from "./contact-attributes";
import { floorBatchBody } from "./floor-batch";
import type { SdkFetchRequest, SdkFetchResult } from "./sdk-fetch";

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** One HTTP exchange with a JSON body; resolves with the parsed answer (rejects on status ≥ 300). */
function exchange(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const bytes = Buffer.concat(chunks);
          if ((response.statusCode ?? 500) >= 300)
            reject(
              new Error(
                `${url} answered ${response.statusCode}: ${bytes.toString("utf8", 0, 200)}`,
              ),
            );
          else resolve(bytes.length > 0 ? parseJsonBytes(bytes) : undefined);
        });
        response.on("error", reject);
      },
    );
    sent.on("error", reject);
    sent.end(body);
  });
}

/** Reads every user contact and writes it to Hull, one request per page; resolves after the last. */
export async function rawFetch(request: SdkFetchRequest): Promise<SdkFetchResult> {
  const { id, secret, organization } = request.hull;
  const firehose = request.hull.firehoseUrl ?? `http://${organization}/api/v1/firehose`;
  const hullHeaders = {
    "Hull-App-Id": id,
    "Hull-Access-Token": secret,
    "Hull-Organization": organization,
  };
  const intercomHeaders = {
    authorization: `Bearer ${request.token}`,
    accept: "application/json",
    "Intercom-Version": "2.14",
  };
  const before = processUsage();
  const started = performance.now();
  let contacts = 0;
  let after: string | undefined;
  for (;;) {
    const query = JSON.stringify({
      query: { field: "role", operator: "=", value: "user" },
      pagination: { per_page: 150, ...(after ? { starting_after: after } : {}) },
    });
    const page = (await exchange(
      `${request.intercomUrl}/contacts/search`,
      intercomHeaders,
      query,
    )) as {
      data: BaselineContact[];
      pages?: { next?: { starting_after?: string } | null };
    };
    await exchange(firehose, hullHeaders, floorBatchBody(page.data, id, secret, new Date()));
    contacts += page.data.length;
    after = page.pages?.next?.starting_after ?? undefined;
    if (!after || performance.now() - started > request.capS * 1000) break;
  }
  return { contacts, seconds: (performance.now() - started) / 1000, before, after: processUsage() };
}

if (process.send) {
  serveParent({}, async (message) =>
    message.type === "fetch"
      ? { ...(await rawFetch(message as unknown as SdkFetchRequest)) }
      : processUsage(),
  );
}
