import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

export interface LaunchedChromium {
  browser: Browser;
  /** Closes the browser and removes its temporary directories. */
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless with a fresh profile and no background network traffic.
 * Playwright refuses a `--user-data-dir` argument in `launch()`: it already gives every launch a
 * fresh temporary profile of its own and deletes it on close. Chromium's other temporary files go
 * to a directory of ours (TMPDIR), removed by `close()`.
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const scratch = await mkdtemp(join(tmpdir(), "e2e-chromium-"));
  const browser = await chromium.launch({
    env: { ...process.env, TMPDIR: scratch },
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
