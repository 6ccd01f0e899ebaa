// Fetch (DESIGN.md §8): contacts streamed by the Intercom stand-in, mapped and written to Hull's
// firehose by the connector in a process of its own.
import { atLeast, atMost, figure, tidy, type Measurement, type Mode } from "../results";
import { control, startSeparateStack, type SeparateStack } from "../separate-stack";
import { waitFor } from "../stats";

const PAGE = 150;
// Each fetch stops at `capS` so that the whole bench stays within ~10 minutes; a fetch cut short
// is reported as such (its rates still hold, its count misses the target).
const sizes = {
  quick: { unlimited: 1_500, limited: 750, perMinute: 600, capS: 60 },
  // 1,000/min is the limit Intercom's older pages document and some workspaces still have
  // (intercom-api.md §2.5); 150,000 contacts then need 1,000 requests, a minute at best.
  full: { unlimited: 1_000_000, limited: 150_000, perMinute: 1_000, capS: 120 },
};

interface Job {
  kind: string;
  state: string;
  progress: { fetched: number };
  started_at?: string;
  finished_at?: string;
}

interface Run {
  seconds: number;
  fetched: number;
  searches: number;
  served: number;
  connectorCpuMs: number;
  connectorPeakBytes: number;
  connectorBaselineBytes: number;
  /** Peak RSS in the first and in the second half of the run: flat memory keeps them close. */
  firstHalfPeakBytes: number;
  secondHalfPeakBytes: number;
}

interface LoggedRequest {
  path: string;
  status: number;
  body?: { pagination?: { per_page?: number } };
}

async function fetchAll(
  stack: SeparateStack,
  contacts: number,
  perMinute: number,
  capS: number,
): Promise<Run> {
  await control(`${stack.urls.intercom}/_sandbox/rate-limit`, { per_minute: perMinute });
  await control(`${stack.urls.intercom}/_sandbox/contacts`, { count: contacts, role: "user" });
  await control(`${stack.urls.intercom}/_sandbox/requests`, {}, "DELETE");
  const before = await stack.connectorUsage();
  const started = Date.now();
  const answer = await stack.connectorCall("/fetch-all");
  if (answer.status !== 202) throw new Error(`/fetch-all answered ${answer.status}`);
  const deadline = started + capS * 1000;
  const samples: { at: number; rss: number }[] = [];
  const job = await waitFor(
    "the fetch to finish",
    async () => {
      const { jobs } = (await (await stack.connectorCall("/jobs", "GET")).json()) as {
        jobs: Job[];
      };
      const job = jobs.find((one) => one.kind === "fetch-users");
      samples.push({ at: Date.now(), rss: (await stack.connectorUsage()).rss_bytes });
      if (job && !["queued", "running", "done"].includes(job.state))
        throw new Error(`the fetch ended ${job.state}`);
      return job?.state === "done" || Date.now() > deadline ? job : undefined;
    },
    capS * 1000 + 60_000,
    100,
  );
  if (!job) throw new Error("the fetch never started");
  const seconds = (Date.now() - started) / 1000;
  const after = await stack.connectorUsage();
  const { requests } = (await control(`${stack.urls.intercom}/_sandbox/requests`, {}, "GET")) as {
    requests: LoggedRequest[];
  };
  // Contacts the listing requests were asked for (the page size sent), at most those that exist:
  // exact for a whole fetch, and fair for one stopped at the cap with a page still in flight.
  const listings = requests.filter((request) => request.path.startsWith("/contacts"));
  const asked = listings
    .filter((request) => request.status === 200)
    .reduce((sum, request) => sum + (request.body?.pagination?.per_page ?? 50), 0);
  const middle = (started + Date.now()) / 2;
  const peak = (list: typeof samples) => Math.max(0, ...list.map((sample) => sample.rss));
  return {
    seconds,
    fetched: job.progress.fetched,
    searches: listings.length,
    served: Math.min(asked, contacts),
    firstHalfPeakBytes: peak(samples.filter((sample) => sample.at < middle)),
    secondHalfPeakBytes: peak(samples.filter((sample) => sample.at >= middle)),
    connectorCpuMs: after.cpu_ms - before.cpu_ms,
    connectorPeakBytes: after.max_rss_bytes,
    connectorBaselineBytes: before.rss_bytes,
  };
}

export async function benchFetch(mode: Mode): Promise<Measurement[]> {
  const size = sizes[mode];
  const rows: Measurement[] = [];
  const free = await startSeparateStack();
  try {
    const run = await fetchAll(free, size.unlimited, 100_000_000, size.capS);
    const mb = (bytes: number) => tidy(bytes / 1e6);
    rows.push(
      atLeast(
        `contacts fetched (no rate limit, stopped at ${size.capS} s)`,
        run.fetched,
        "contacts",
        size.unlimited,
      ),
      atLeast(
        "contacts per second, wall clock",
        tidy(run.fetched / run.seconds),
        "contacts/s",
        20_000,
      ),
      atLeast(
        "contacts per connector CPU-second (one core)",
        tidy(run.fetched / (run.connectorCpuMs / 1000)),
        "contacts/s",
        20_000,
      ),
      atMost("requests per contact", tidy(run.searches / run.served), "requests", tidy(1 / PAGE)),
      atMost("connector peak memory (RSS)", mb(run.connectorPeakBytes), "MB", 200, true),
      figure("connector memory before the fetch (RSS)", mb(run.connectorBaselineBytes), "MB"),
      figure(
        "connector RSS growth, 2nd half of the fetch over 1st",
        mb(run.secondHalfPeakBytes - run.firstHalfPeakBytes),
        "MB",
      ),
    );
  } finally {
    await free.close();
  }
  const limited = await startSeparateStack();
  try {
    const run = await fetchAll(limited, size.limited, size.perMinute, size.capS);
    // The fastest the limit allows: `perMinute` pages of 150 a minute. A fetch stopped at the cap
    // is judged on the part it did.
    const minimum = (Math.ceil(run.fetched / PAGE) / size.perMinute) * 60;
    rows.push(
      atLeast(
        `contacts fetched at ${size.perMinute} requests/min (stopped at ${size.capS} s)`,
        run.fetched,
        "contacts",
        size.limited,
      ),
      figure("time, limited fetch", tidy(run.seconds), "s"),
      figure("minimum time the limit allows for them", tidy(minimum), "s"),
      // Using ≥ 95 % of the budget (the outgoing budget) means at most 1/0.95 of the minimum.
      atMost("time against the minimum", tidy(run.seconds / minimum), "×", 1.05),
    );
  } finally {
    await limited.close();
  }
  return rows;
}
