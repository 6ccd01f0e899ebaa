// Fetch (DESIGN.md §8): contacts streamed by the Intercom stand-in, mapped and written to Hull's
// firehose by the connector in a process of its own, alternately with the same work done by a
// script on the vendors' SDKs (bench/baselines/sdk-fetch.ts; ADR 015).
import { join } from "node:path";
import { positiveOption } from "../options";
import type { SdkFetchRequest, SdkFetchResult } from "../baselines/sdk-fetch";
import type { PureWorkRequest, PureWorkResult } from "../baselines/pure-work";
import { startChild, type ProcessUsage } from "../child-process";
import {
  alternate,
  loadPerCore,
  loadPolicy,
  loadRows,
  spread,
  waitForQuiet,
  watchOtherLoad,
} from "../compare";
import { atLeast, atMost, figure, median, tidy, type Measurement, type Mode } from "../results";
import {
  control,
  startConnectorProcess,
  startStandIns,
  type ConnectorProcess,
  type StandIns,
} from "../separate-stack";
import { waitFor } from "../stats";

const PAGE = 150;
// Each unlimited run stops at `capS`: rates hold for a run cut short, and six runs (three rounds
// of connector and SDK script) plus the limited fetch keep the bench near ten minutes.
const sizes = {
  quick: { unlimited: 1_500, rounds: 1, limited: 750, perMinute: 600, capS: 60 },
  // 1,000/min is the limit Intercom's older pages document and some workspaces still have
  // (intercom-api.md §2.5); 150,000 contacts then need 1,000 requests, a minute at best.
  full: { unlimited: 1_000_000, rounds: 3, limited: 150_000, perMinute: 1_000, capS: 60 },
};

interface Job {
  kind: string;
  state: string;
  progress: { fetched: number };
}

/** One run of the connector or of the baseline. */
interface Run {
  seconds: number;
  fetched: number;
  cpuMs: number;
  peakBytes: number;
  /** RSS before the fetch started (after start-up). */
  baselineBytes: number;
  /** The process's whole CPU (ms) by the end of the run, start-up included (for the load check). */
  lifetimeCpuMs: number;
  /** Of `cpuMs`, what the main thread used (ms); null without /proc. The rest is V8's helpers. */
  mainThreadCpuMs: number | null;
}

interface ConnectorRun extends Run {
  searches: number;
  served: number;
  /** Peak RSS in the first and in the second half of the run: flat memory keeps them close. */
  firstHalfPeakBytes: number;
  secondHalfPeakBytes: number;
}

interface LoggedRequest {
  path: string;
  status: number;
  body?: { pagination?: { per_page?: number } };
}

async function prepare(standIns: StandIns, contacts: number, perMinute: number): Promise<void> {
  await control(`${standIns.urls.intercom}/_sandbox/rate-limit`, { per_minute: perMinute });
  await control(`${standIns.urls.intercom}/_sandbox/contacts`, { count: contacts, role: "user" });
}

/** Each run writes into an empty Hull, so that the stand-in does the same work for everyone. */
async function freshRun(standIns: StandIns): Promise<void> {
  await control(`${standIns.urls.hull}/_sandbox/reset`);
  await control(`${standIns.urls.intercom}/_sandbox/requests`, {}, "DELETE");
}

async function connectorFetch(
  standIns: StandIns,
  connector: ConnectorProcess,
  contacts: number,
  capS: number,
): Promise<ConnectorRun> {
  await freshRun(standIns);
  const before = await connector.usage();
  const started = Date.now();
  const answer = await connector.call("/fetch-all");
  if (answer.status !== 202) throw new Error(`/fetch-all answered ${answer.status}`);
  const deadline = started + capS * 1000;
  const samples: { at: number; rss: number }[] = [];
  const job = await waitFor(
    "the fetch to finish",
    async () => {
      const { jobs } = (await (await connector.call("/jobs", "GET")).json()) as { jobs: Job[] };
      const job = jobs.find((one) => one.kind === "fetch-users");
      samples.push({ at: Date.now(), rss: (await connector.usage()).rss_bytes });
      if (job && !["queued", "running", "done"].includes(job.state))
        throw new Error(`the fetch ended ${job.state}`);
      return job?.state === "done" || Date.now() > deadline ? job : undefined;
    },
    capS * 1000 + 60_000,
    // Each look asks the connector for its jobs, CPU counted as the fetch's: 4 a second keep
    // that below 1 % and still sample its memory often enough to see it grow.
    250,
  );
  if (!job) throw new Error("the fetch never started");
  const seconds = (Date.now() - started) / 1000;
  const after = await connector.usage();
  const { requests } = (await control(
    `${standIns.urls.intercom}/_sandbox/requests`,
    {},
    "GET",
  )) as { requests: LoggedRequest[] };
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
    cpuMs: after.cpu_ms - before.cpu_ms,
    mainThreadCpuMs: mainThreadMs(before, after),
    peakBytes: after.max_rss_bytes,
    baselineBytes: before.rss_bytes,
    lifetimeCpuMs: after.cpu_ms,
  };
}

/** A fresh connector process per run, so that its peak memory is this run's. */
async function connectorRound(standIns: StandIns, contacts: number, capS: number) {
  const connector = await startConnectorProcess(standIns);
  try {
    return await connectorFetch(standIns, connector, contacts, capS);
  } finally {
    await connector.close();
  }
}

/**
 * A fresh process running a baseline script: the SDK script (bench/baselines/sdk-fetch.ts) or the
 * raw floor (bench/baselines/raw-fetch.ts, the same work on node:http and node:crypto alone).
 */
async function baselineRound(
  standIns: StandIns,
  token: string,
  capS: number,
  script: "sdk-fetch.ts" | "raw-fetch.ts",
): Promise<Run> {
  await freshRun(standIns);
  // BENCH_BASELINE_CPU_PROF=<dir>: the baseline writes a V8 CPU profile there when it stops, to
  // set its hot spots beside the connector's (BENCH_CPU_PROF).
  const profile = process.env.BENCH_BASELINE_CPU_PROF;
  const child = await startChild<object>(join(import.meta.dirname, "../baselines", script), {
    nodeArgs: profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [],
  });
  try {
    const request: SdkFetchRequest = {
      intercomUrl: standIns.urls.intercom,
      token,
      capS,
      hull: {
        ...standIns.hull.connector,
        protocol: "http",
        firehoseUrl: `${standIns.urls.hull}/firehose`,
      },
    };
    const result = await child.ask<SdkFetchResult & { type: string; message?: string }>({
      type: "fetch",
      ...request,
    });
    if (result.type === "error") throw new Error(`${script} failed: ${result.message}`);
    return {
      seconds: result.seconds,
      fetched: result.contacts,
      cpuMs: result.after.cpu_ms - result.before.cpu_ms,
      mainThreadCpuMs: mainThreadMs(result.before, result.after),
      peakBytes: result.after.max_rss_bytes,
      baselineBytes: result.before.rss_bytes,
      lifetimeCpuMs: result.after.cpu_ms,
    };
  } finally {
    await child.stop();
  }
}

/** The main thread's CPU (ms) between two readings, or null when either has none. */
function mainThreadMs(before: ProcessUsage, after: ProcessUsage): number | null {
  if (before.main_thread_cpu_ms === null || after.main_thread_cpu_ms === null) return null;
  return after.main_thread_cpu_ms - before.main_thread_cpu_ms;
}

/** The share of a run's CPU spent off its main thread (garbage-collection helpers, libuv's pool). */
const offMainThread = (run: Run) =>
  run.mainThreadCpuMs === null ? Number.NaN : 1 - run.mainThreadCpuMs / run.cpuMs;

/**
 * The per-contact CPU of the fetch's work with no I/O (bench/baselines/pure-work.ts), the
 * connector's code and the floor's, timed in turn in one fresh process on the stand-in's pages.
 */
async function pureWorkRound(standIns: StandIns, token: string, mode: Mode) {
  const child = await startChild<object>(join(import.meta.dirname, "../baselines", "pure-work.ts"));
  try {
    const request: PureWorkRequest = {
      intercomUrl: standIns.urls.intercom,
      token,
      hull: standIns.hull.connector,
      pages: mode === "quick" ? 5 : 20,
      rounds: mode === "quick" ? 2 : 6,
      passes: mode === "quick" ? 10 : 20,
    };
    const result = await child.ask<PureWorkResult & { type: string; message?: string }>({
      type: "pure-work",
      ...request,
    });
    if (result.type === "error") throw new Error(`pure-work.ts failed: ${result.message}`);
    return result;
  } finally {
    await child.stop();
  }
}

/** Rows of the per-contact CPU with no I/O: where the whole-process gap to the floor is not. */
function pureWorkRows(result: PureWorkResult): Measurement[] {
  return [
    median(
      "no I/O: connector's code, CPU per contact (parse, map, sign, serialise; one process)",
      spread(result.connectorUs),
      "µs",
    ),
    median("no I/O: raw floor's code, CPU per contact", spread(result.floorUs), "µs"),
    median(
      "no I/O: CPU per contact, connector's code ÷ floor's",
      spread(result.connectorUs.map((us, round) => us / result.floorUs[round]!)),
      "×",
    ),
  ];
}

const perCpuSecond = (run: Run) => run.fetched / (run.cpuMs / 1000);
const perSecond = (run: Run) => run.fetched / run.seconds;
const mb = (bytes: number) => tidy(bytes / 1e6);
const cpuS = (usages: ProcessUsage[]) =>
  usages.reduce((sum, usage) => sum + usage.cpu_ms, 0) / 1000;

/** Rows comparing the connector with the SDK script, round by round (ADR 015). */
function comparisonRows(
  connector: ConnectorRun[],
  sdk: Run[],
  floor: Run[],
  contacts: number,
  capS: number,
) {
  const each = <T>(runs: T[], figureOf: (run: T) => number) => spread(runs.map(figureOf));
  const ratioOf = (top: Run[], bottom: Run[], figureOf: (run: Run) => number) =>
    spread(top.map((run, round) => figureOf(run) / figureOf(bottom[round]!)));
  const ratio = (figureOf: (run: Run) => number) => ratioOf(connector, sdk, figureOf);
  return [
    median(
      `contacts fetched (no rate limit, stopped at ${capS} s)`,
      each(connector, (run) => run.fetched),
      "contacts",
      { min: contacts },
    ),
    median("contacts per second, wall clock", each(connector, perSecond), "contacts/s", {
      min: 20_000,
    }),
    median(
      "contacts per connector CPU-second (one core)",
      each(connector, perCpuSecond),
      "contacts/s",
      { min: 20_000 },
    ),
    median("SDK script: contacts per second, wall clock", each(sdk, perSecond), "contacts/s"),
    median("SDK script: contacts per CPU-second", each(sdk, perCpuSecond), "contacts/s"),
    median("contacts per second, connector ÷ SDK script", ratio(perSecond), "×"),
    median("contacts per CPU-second, connector ÷ SDK script", ratio(perCpuSecond), "×", { min: 3 }),
    median("raw floor: contacts per CPU-second", each(floor, perCpuSecond), "contacts/s"),
    // Where the CPU goes that a main-thread profile (--cpu-prof) does not see: V8's concurrent
    // marking and parallel scavenges run on helper threads, and so does libuv's pool.
    median(
      "connector: share of its CPU off the main thread (garbage-collection helpers, libuv)",
      each(connector, offMainThread),
      "share",
    ),
    median("raw floor: share of its CPU off the main thread", each(floor, offMainThread), "share"),
    median(
      "contacts per CPU-second, raw floor ÷ SDK script (the most any program doing the SDK script's work reaches)",
      ratioOf(floor, sdk, perCpuSecond),
      "×",
    ),
    median(
      "contacts per CPU-second, connector ÷ raw floor",
      ratioOf(connector, floor, perCpuSecond),
      "×",
    ),
    // Against the fewest pages that hold the contacts read: 1 / PAGE per contact misjudged a last
    // partial page (100,000 contacts are 667 pages, not 666.67) as one request too many.
    atMost(
      "Intercom requests ÷ the fewest pages for the contacts read",
      tidy(Math.max(...connector.map((run) => run.searches / Math.ceil(run.served / PAGE)))),
      "×",
      1,
    ),
    median(
      "connector peak memory (RSS)",
      each(connector, (run) => mb(run.peakBytes)),
      "MB",
      { under: 150 },
    ),
    median(
      "SDK script: peak memory (RSS)",
      each(sdk, (run) => mb(run.peakBytes)),
      "MB",
    ),
    median(
      "peak RSS, connector ÷ SDK script",
      ratio((run) => run.peakBytes),
      "×",
    ),
    median(
      "connector memory before the fetch (RSS)",
      each(connector, (run) => mb(run.baselineBytes)),
      "MB",
    ),
    median(
      "connector RSS growth, 2nd half of the fetch over 1st",
      each(connector, (run) => mb(run.secondHalfPeakBytes - run.firstHalfPeakBytes)),
      "MB",
    ),
  ];
}

/**
 * The fetch scenario. Options: `--fetch-contacts=N` (contacts in the stand-in, default 1,000,000
 * in full mode), `--fetch-cap-s=S` (seconds each unlimited run may take before it is stopped,
 * default 60; the limited fetch gets twice that).
 */
export async function benchFetch(mode: Mode, args: string[] = []): Promise<Measurement[]> {
  const contacts = positiveOption(args, "fetch-contacts");
  const capS = positiveOption(args, "fetch-cap-s");
  const size = {
    ...sizes[mode],
    ...(contacts ? { unlimited: contacts } : {}),
    ...(capS ? { capS } : {}),
  };
  const policy = loadPolicy(args, mode === "quick");
  const rows: Measurement[] = [];
  const standIns = await startStandIns();
  try {
    await prepare(standIns, size.unlimited, 100_000_000);
    const { access_token: token } = (await control(`${standIns.urls.intercom}/_sandbox/token`)) as {
      access_token: string;
    };
    const refused = await waitForQuiet(policy);
    if (refused) {
      console.error(`bench: fetch comparison refused: ${refused}`);
      rows.push(
        atMost(
          `comparison refused: ${refused}`,
          tidy(loadPerCore()),
          "load/core",
          policy.maxLoadPerCore,
        ),
      );
    } else {
      const loadBefore = loadPerCore();
      const standInsBefore = cpuS(await standIns.usage());
      const parentBefore = process.cpuUsage();
      const watch = watchOtherLoad();
      const runs = await alternate(size.rounds, {
        connector: () => connectorRound(standIns, size.unlimited, size.capS),
        "SDK script": () => baselineRound(standIns, token, size.capS, "sdk-fetch.ts"),
        "raw floor": () => baselineRound(standIns, token, size.capS, "raw-fetch.ts"),
      });
      const connector = runs.connector as ConnectorRun[];
      const sdk = runs["SDK script"]!;
      const floor = runs["raw floor"]!;
      const parent = process.cpuUsage(parentBefore);
      const ours =
        cpuS(await standIns.usage()) -
        standInsBefore +
        [...connector, ...sdk, ...floor].reduce((sum, run) => sum + run.lifetimeCpuMs / 1000, 0) +
        (parent.user + parent.system) / 1e6;
      const load = loadRows(loadBefore, watch.stop(ours), policy);
      rows.push(...load.rows);
      if (load.refused) {
        console.error(`bench: fetch comparison refused: ${load.refused}`);
        rows.push(
          atMost(
            `comparison refused: ${load.refused}`,
            tidy(loadPerCore()),
            "load/core",
            policy.maxLoadPerCore,
          ),
        );
      } else {
        rows.push(...comparisonRows(connector, sdk, floor, size.unlimited, size.capS));
        rows.push(...pureWorkRows(await pureWorkRound(standIns, token, mode)));
      }
    }
  } finally {
    await standIns.close();
  }

  // The limited fetch: the connector alone against the rate limit (its pacing, not its CPU), on
  // stand-ins of its own.
  const limited = await startStandIns();
  try {
    await prepare(limited, size.limited, size.perMinute);
    const connector = await startConnectorProcess(limited);
    try {
      const run = await connectorFetch(limited, connector, size.limited, size.capS * 2);
      // The fastest the limit allows: `perMinute` pages of 150 a minute. A fetch stopped at the cap
      // is judged on the part it did.
      const minimum = (Math.ceil(run.fetched / PAGE) / size.perMinute) * 60;
      rows.push(
        atLeast(
          `contacts fetched at ${size.perMinute} requests/min (stopped at ${size.capS * 2} s)`,
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
      await connector.close();
    }
  } finally {
    await limited.close();
  }
  return rows;
}
