// Browser (DESIGN.md §8): ship.js size, and the time the plugin adds to Hull.track in Chromium,
// on the stand-in's demo site with the plugin embedded and with its script answered empty.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../../e2e/helpers/browser";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { startStack, type Stack } from "../../scripts/stack";
import { atMost, figure, tidy, type Measurement, type Mode } from "../results";
import { median } from "../stats";

const ROOT = join(import.meta.dirname, "../..");
const SHIP_JS = join(ROOT, "dist/ship.js");
const sizes = {
  quick: { samples: 15, callsPerSample: 20, roundTrips: 20, settleMs: 300 },
  full: { samples: 200, callsPerSample: 50, roundTrips: 300, settleMs: 1_500 },
};

/** Full mode measures the bundle as the sources build it now; quick mode reuses a build if any. */
function buildShipJs(mode: Mode): void {
  if (mode === "quick" && existsSync(SHIP_JS)) return;
  execFileSync("npx", ["rollup", "-c", "rollup.config.mjs"], { cwd: ROOT, stdio: "ignore" });
}

interface PageTimes {
  /** ms per Hull.track listener dispatch (the synchronous part the plugin takes on the page). */
  dispatchMs: number;
  /** ms, median, of a whole awaited Hull.track call (the Hull round trip included). */
  roundTripMs: number;
}

async function openDemo(
  browser: Browser,
  stack: Stack,
  withPlugin: boolean,
  settleMs: number,
): Promise<Page> {
  const context = await browser.newContext();
  if (!withPlugin) {
    // Same page, same Hull.js: only the connector's script is answered empty.
    await context.route("**/ship.js", (route) =>
      route.fulfill({ contentType: "application/javascript", body: "" }),
    );
  }
  const page = await context.newPage();
  await page.goto(stack.urls.demo);
  await page.waitForFunction(() => (window as unknown as { Hull?: unknown }).Hull !== undefined);
  await page.evaluate(() =>
    (window as unknown as { Hull: { ready(): Promise<unknown> } }).Hull.ready(),
  );
  if (withPlugin) {
    await page.waitForFunction(
      () => typeof (window as unknown as { Intercom?: unknown }).Intercom === "function",
      undefined,
      { timeout: 15_000 },
    );
  }
  // Let the widget finish loading and the alias settle before timing anything.
  await page.waitForTimeout(settleMs);
  return page;
}

async function timeTrack(page: Page, size: (typeof sizes)[Mode]): Promise<PageTimes> {
  const raw = await page.evaluate(async ({ samples, callsPerSample, roundTrips }) => {
    type HullLike = {
      emit(event: string, payload: unknown): void;
      track(event: string, properties: unknown): Promise<unknown>;
    };
    // No named helpers in here: tsx would wrap them in a __name() the page does not have.
    const hull = (window as unknown as { Hull: HullLike }).Hull;
    // Chromium coarsens performance.now(), so each sample times a run of dispatches.
    const dispatch: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      const started = performance.now();
      for (let call = 0; call < callsPerSample; call++) {
        hull.emit("hull.track", {
          event: "Viewed product",
          params: { product: "Ethiopia Guji", price: 14, sample, call },
        });
      }
      dispatch.push((performance.now() - started) / callsPerSample);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const trips: number[] = [];
    for (let trip = 0; trip < roundTrips; trip++) {
      const started = performance.now();
      await hull.track("Added to cart", { product: "Ethiopia Guji", quantity: trip });
      trips.push(performance.now() - started);
    }
    return { dispatch, trips };
  }, size);
  return { dispatchMs: median(raw.dispatch), roundTripMs: median(raw.trips) };
}

export async function benchBrowser(mode: Mode): Promise<Measurement[]> {
  buildShipJs(mode);
  const bundle = readFileSync(SHIP_JS);
  const gzipped = gzipSync(bundle, { level: 9 }).length;
  const rows: Measurement[] = [
    figure("ship.js size", tidy(bundle.length / 1024), "KB"),
    atMost("ship.js size gzipped", tidy(gzipped / 1024), "KB", 6),
  ];
  const stack = await startStack({ notifyDelayMs: 200, env: { LOG_LEVEL: "silent" } });
  const chromium = await launchChromium();
  try {
    await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
    const times: Record<"with" | "without", PageTimes> = {} as never;
    for (const variant of ["without", "with"] as const) {
      const page = await openDemo(
        chromium.browser,
        stack,
        variant === "with",
        sizes[mode].settleMs,
      );
      times[variant] = await timeTrack(page, sizes[mode]);
      await page.context().close();
    }
    rows.push(
      atMost(
        "time ship.js adds to a Hull.track call (median, synchronous)",
        tidy(Math.max(0, times.with.dispatchMs - times.without.dispatchMs)),
        "ms",
        1,
      ),
      figure("Hull.track round trip with ship.js (median)", tidy(times.with.roundTripMs), "ms"),
      figure(
        "Hull.track round trip without ship.js (median)",
        tidy(times.without.roundTripMs),
        "ms",
      ),
    );
  } finally {
    await chromium.close();
    await stack.close();
  }
  return rows;
}
